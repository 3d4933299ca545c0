package dev.plt.model.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The device allocations one owner (a sequence) holds now. Kept apart from the owner so a Cleaner can
 * hand them back when the owner is garbage-collected without keeping it reachable.
 */
final class DeviceAllocations {
    private final List<Long> addresses = new ArrayList<>();

    synchronized void add(long address) {
        addresses.add(address);
    }

    synchronized void remove(long address) {
        addresses.remove(address);
    }

    /** Every address, and forgets them: the caller frees them. */
    synchronized List<Long> drain() {
        List<Long> all = new ArrayList<>(addresses);
        addresses.clear();
        return all;
    }
}
