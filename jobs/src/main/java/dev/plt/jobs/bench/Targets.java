package dev.plt.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets, each checked against this run's figures: met, not met, or not measured (with
 * the reason) when the run left out what it needs.
 */
final class Targets {
    private static final double ROOFLINE_FRACTION = 0.70;
    private static final double PEER_DECODE_SPEEDUP = 2.0;

    private Targets() {
    }

    static List<BenchReport.Target> check(BenchReport.Settings settings, List<BenchReport.Ratio> ratios,
            List<BenchReport.Kv> kv, List<BenchReport.Roofline> roofline, BenchReport.Peer peer) {
        List<BenchReport.Target> targets = new ArrayList<>();
        for (String dtype : settings.dtypes()) {
            targets.add(ratio(ratios, "plt-2/non-loop", dtype, 1.15,
                    "PLT-2 decode <= 1.15x non-loop at batch 1 (" + dtype + ")"));
            targets.add(ratio(ratios, "plt-2/loop-2", dtype, 0.55,
                    "PLT-2 decode <= 0.55x vanilla loop-2 at batch 1 (" + dtype + ")"));
            targets.add(ratio(ratios, "plt-3/non-loop", dtype, 1.25,
                    "PLT-3 decode <= 1.25x non-loop at batch 1 (" + dtype + ")"));
        }
        long mismatches = kv.stream().filter(k -> !k.equal()).count();
        targets.add(kv.isEmpty()
                ? notMeasured("KV bytes == spec formula", "==", 0, "no KV figures")
                : judged("KV bytes == spec formula (" + kv.size() + " variant x length figures; measured = mismatches)",
                        (double) mismatches, "==", 0, mismatches == 0, null));
        for (BenchReport.Roofline r : roofline) {
            targets.add(judged("batch-1 decode >= 70% of the roofline (" + r.variant() + ", " + r.dtype() + ")",
                    r.fraction(), ">=", ROOFLINE_FRACTION, r.fraction() >= ROOFLINE_FRACTION, null));
        }
        if (roofline.isEmpty()) {
            targets.add(notMeasured("batch-1 decode >= 70% of the roofline", ">=", ROOFLINE_FRACTION,
                    "batch 1 not in --batches"));
        }
        peerTargets(peer, targets);
        return targets;
    }

    private static void peerTargets(BenchReport.Peer peer, List<BenchReport.Target> targets) {
        if (!peer.status().equals("ok")) {
            String why = "peer " + peer.status() + ": " + peer.detail();
            targets.add(notMeasured("decode tok/s >= 2x the peer's", ">=", PEER_DECODE_SPEEDUP, why));
            targets.add(notMeasured("prefill tok/s >= the peer's", ">=", 1.0, why));
            return;
        }
        for (BenchReport.PeerFigure f : peer.figures()) {
            targets.add(judged("decode tok/s >= 2x the peer's (" + f.variant() + ", batch " + f.batch() + ")",
                    f.decodeSpeedup(), ">=", PEER_DECODE_SPEEDUP, f.decodeSpeedup() >= PEER_DECODE_SPEEDUP, null));
            if (f.prefillSpeedup() != null) {
                targets.add(judged("prefill tok/s >= the peer's (" + f.variant() + ")", f.prefillSpeedup(), ">=", 1.0,
                        f.prefillSpeedup() >= 1.0, null));
            }
        }
    }

    private static BenchReport.Target ratio(List<BenchReport.Ratio> ratios, String name, String dtype, double limit,
            String title) {
        Optional<BenchReport.Ratio> r = Ratios.ratio(ratios, name, dtype, 1);
        if (r.isEmpty()) {
            return notMeasured(title, "<=", limit, name + " at batch 1 not measured (--variants / --batches)");
        }
        return judged(title, r.get().ratio(), "<=", limit, r.get().ratio() <= limit, null);
    }

    private static BenchReport.Target judged(String name, double measured, String comparison, double threshold,
            boolean met, String note) {
        return new BenchReport.Target(name, measured, comparison, threshold, met, note);
    }

    private static BenchReport.Target notMeasured(String name, String comparison, double threshold, String why) {
        return new BenchReport.Target(name, null, comparison, threshold, null, why);
    }
}
