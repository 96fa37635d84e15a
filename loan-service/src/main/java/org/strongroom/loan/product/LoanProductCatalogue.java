package org.strongroom.loan.product;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every configured version of every loan product. New applications get a product's newest version;
 * older versions stay readable because loans opened with them keep them.
 */
public final class LoanProductCatalogue {

    private final Map<String, TreeMap<Integer, LoanProduct>> products = new TreeMap<>();

    /** @throws IllegalArgumentException naming every invalid or duplicate version */
    public LoanProductCatalogue(Collection<LoanProduct> versions) {
        StringBuilder problems = new StringBuilder();
        for (LoanProduct product : versions) {
            List<String> wrong = product.problems();
            if (!wrong.isEmpty()) {
                problems.append("\n  ").append(product.code()).append(" v").append(product.version()).append(": ")
                        .append(String.join("; ", wrong));
                continue;
            }
            if (products.computeIfAbsent(product.code(), code -> new TreeMap<>())
                    .putIfAbsent(product.version(), product) != null) {
                problems.append("\n  ").append(product.code()).append(" v").append(product.version())
                        .append(": configured twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid loan products:" + problems);
        }
    }

    /** The version new applications get. */
    public Optional<LoanProduct> current(String code) {
        TreeMap<Integer, LoanProduct> versions = products.get(code);
        return versions == null ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    public Optional<LoanProduct> version(String code, int version) {
        TreeMap<Integer, LoanProduct> versions = products.get(code);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    /** The current version of every product, by code. */
    public List<LoanProduct> currentVersions() {
        return products.values().stream().map(versions -> versions.lastEntry().getValue())
                .sorted(Comparator.comparing(LoanProduct::code)).toList();
    }
}
