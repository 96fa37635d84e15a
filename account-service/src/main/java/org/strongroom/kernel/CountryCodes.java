package org.strongroom.kernel;

import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes as the JDK knows them. */
public final class CountryCodes {

    private static final Set<String> ALPHA2 = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2);

    private CountryCodes() {
    }

    /** True for an assigned upper-case alpha-2 code such as "DE"; lower case is not accepted. */
    public static boolean isValid(String code) {
        return code != null && code.length() == 2 && ALPHA2.contains(code);
    }
}
