package org.strongroom.ops;

import java.util.Arrays;

/** {@code java -jar ops/target/strongroom-ops.jar <command> [options]}: operator tools for a running node. */
public final class StrongroomOps {

    private StrongroomOps() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            usage();
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "load" -> System.exit(LoadDriver.run(Options.parse(rest)));
            case "workload" -> System.exit(BankWorkload.run(Options.parse(rest)));
            case "token" -> System.exit(TokenCommand.run(Options.parse(rest)));
            case "cob" -> System.exit(rest.length == 0 ? 2 : CloseOfBusinessCommand.run(rest[0],
                    Options.parse(Arrays.copyOfRange(rest, 1, rest.length))));
            case "loans" -> System.exit(LoanBenchmark.run(Options.parse(rest)));
            case "bench" -> System.exit(TransferBenchmark.run(Options.parse(rest)));
            case "rebuild" -> System.exit(RebuildCommand.run(Options.parse(rest)));
            default -> {
                System.err.println("unknown command: " + args[0]);
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: strongroom-ops <command> [--option value ...]

                load, loans, bench and workload fund accounts through the clearing feed: a node they do not start
                themselves must list its principal, --strongroom.clearing.feed-principals=ops-clearing-feed

                commands:
                  token  a development token signed with the node's development key, for the authorization header
                         --role TELLER --subject teller-7 --channel BRANCH --branch branch-12
                         [--data-dir var] [--ttl-seconds 3600]
                  load   deposits and withdrawals from concurrent clients over real gRPC; prints throughput,
                         latency percentiles, refusals, and checks that no money was created or lost
                         --target 127.0.0.1:9090  --clients 16  --accounts 32  --seconds 30  --seed 1
                         [--mix movements|transfers] [--data-dir var | --token <teller token>]
                         [--feed-token <clearing feed token>]
                  cob run    closes the business date: scheduled transfers, then every active loan (collection,
                         accrual, penalty interest, ageing); prints progress until it ends; rerun to resume
                         [--date YYYY-MM-DD] [--target 127.0.0.1:9090] [--data-dir var | --token <operator token>]
                  cob status the business date and the last close of business
                  rebuild  rebuilds a projection from the events (or each in turn) and prints how long it took
                         until it served again at the store's head, in events per second over the store
                         --projection NAME|all  [--target 127.0.0.1:9090] [--data-dir var | --token <operator token>]
                  loans  the loan benchmark: N customers' applications from C clients (auto-approved and
                         disbursed), latency percentiles of apply -> disbursed; then close of business for the
                         date, loans per second
                         --loans 1000  --clients 8  --loans-per-customer 5  --product PERSONAL-EUR
                         --instalments 12  --cob-days 1  --warmup 500 (other customers' loans first, not
                         counted)  [--target] [--data-dir var]
                  bench  internal transfers over real gRPC between N funded accounts at each client count:
                         transfers per second and p50/p95/p99; then, when pgbench is found, PostgreSQL's
                         TPC-B-like script and a one-transaction transfer script on the node's PostgreSQL (a
                         database of their own) at the same client counts, and the node's share of each
                         --accounts 1000  --clients 1,8,32  --seconds 20  --warmup 30  [--target]
                         [--data-dir var] [--pgbench PATH] [--pg-host 127.0.0.1 --pg-port <from data-dir> --pg-user postgres]
                         [--scale 10]  [--with-cob true: close of business day after day during each level,
                         over the loans a loans run left (strongroom-ops loans --cob-days 0 first)]
                  workload  the bank workload: random transfers between N accounts from C clients, retried with
                         the same request ids, a reader of every balance, then the checker (conservation, limits,
                         exactly-once, ledger, projections equal a fresh rebuild); prints one summary line
                         --accounts 20  --clients 4  (--seconds 60 | --transfers 2000)  --seed 1  --opening 1000
                         against a running node: [--target 127.0.0.1:9090] [--data-dir var]
                         or on a node it runs itself: --node-jar channel-gateway/target/node/strongroom-node.jar
                         [--work-dir dir] [--kills K]  (SIGKILL K times during the run, restart on the same data)
                """);
    }
}
