import Synchronization

/// An image's bytes and what every reader of the image shares: where its key table is, and that
/// table's entries, parsed once on first use instead of once per decode.
///
/// Images, cursors, element views and decoding passes hold the source by reference, so the bytes
/// stay valid while any of them is alive.
final class ImageSource: Sendable {
    let storage: ImageStorage
    /// The offset of the key table, from the checked header.
    let keyTable: Int
    /// The parsed key table once made: the address of a retained ``ImageKeys``, or 0 before.
    ///
    /// Not `AtomicLazyReference`: its `load()` is not inlinable and looks up generic metadata on
    /// every call (about 600 instructions, as much as the rest of finding an element).
    private let parsedKeys = Atomic<UInt>(0)

    init(storage: ImageStorage, keyTable: Int) {
        self.storage = storage
        self.keyTable = keyTable
    }

    deinit {
        let address = parsedKeys.load(ordering: .acquiring)
        guard address != 0 else { return }
        // Safe: a non-zero address is the one reference `makeKeys` retained and stored; nothing
        // else releases it, and no reader outlives this source.
        Unmanaged<ImageKeys>.fromOpaque(UnsafeRawPointer(bitPattern: address)!).release()
    }

    /// The bounds-checked view of the bytes.
    var bytes: ImageBytes { storage.bytes }

    /// The key table, parsed on the first call. Threads that race on the first call each parse
    /// it; one result is kept and every caller gets that one. O(1) after the first call; the
    /// first is O(min(key count, ``ImageKeys/cachedCount``)).
    @inline(__always)
    var keys: ImageKeys {
        // Acquiring: pairs with the releasing exchange in `makeKeys`, so the table's contents
        // are visible before its address is.
        let address = parsedKeys.load(ordering: .acquiring)
        guard address != 0 else { return makeKeys() }
        // Safe: the address is of an ImageKeys this source holds a reference to until deinit.
        return Unmanaged<ImageKeys>.fromOpaque(UnsafeRawPointer(bitPattern: address)!).takeUnretainedValue()
    }

    /// Parses the key table and publishes it, or takes the one another thread published first.
    @inline(never)
    private func makeKeys() -> ImageKeys {
        let keys = ImageKeys(bytes: storage.bytes, tableOffset: keyTable)
        let retained = Unmanaged.passRetained(keys)
        let address = UInt(bitPattern: retained.toOpaque())
        // Acquiring and releasing: publishes our table's contents on success (release), and sees
        // the winner's contents on failure (acquire).
        let (exchanged, winner) = parsedKeys.compareExchange(
            expected: 0,
            desired: address,
            ordering: .acquiringAndReleasing
        )
        if exchanged { return keys }
        retained.release()
        // Safe: `winner` is the address another thread published; this source holds it.
        return Unmanaged<ImageKeys>.fromOpaque(UnsafeRawPointer(bitPattern: winner)!).takeUnretainedValue()
    }
}
