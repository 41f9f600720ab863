import Synchronization

/// An image's bytes and what every reader of the image shares: where its key table is, and that
/// table's entries, parsed once on first use instead of once per decode.
///
/// Images, cursors, element views and decoding passes hold the source by reference, so the bytes
/// stay valid while any of them is alive.
final class ImageSource {
    let storage: ImageStorage
    /// The bounds-checked view of the bytes (a copy of `storage.bytes`, so readers need not go
    /// through, and retain, the storage).
    let bytes: ImageBytes
    /// The offset of the key table, from the checked header.
    let keyTable: Int
    /// The parsed key table once made: the address of a retained ``ImageKeys``, or 0 before.
    ///
    /// Not `AtomicLazyReference`: its `load()` is not inlinable and looks up generic metadata on
    /// every call (about 600 instructions, as much as the rest of finding an element).
    private let parsedKeys = Atomic<UInt>(0)

    init(storage: ImageStorage, keyTable: Int) {
        self.storage = storage
        self.bytes = storage.bytes
        self.keyTable = keyTable
    }

    deinit {
        let address = parsedKeys.load(ordering: .acquiring)
        guard address != 0 else { return }
        // Safe: a non-zero address is the one reference `publishKeys` retained and stored; nothing
        // else releases it, and no reader outlives this source.
        Unmanaged<ImageKeys>.fromOpaque(UnsafeRawPointer(bitPattern: address)!).release()
    }

    /// The key table, parsed on the first call. Threads that race on the first call each parse
    /// it; one result is kept and every caller gets that one. O(1) after the first call; the
    /// first is O(min(key count, ``ImageKeys/cachedCount``)).
    @inline(__always)
    var keys: ImageKeys {
        // Acquiring: pairs with the releasing exchange in `publishKeys`, so the table's contents
        // are visible before its address is.
        var address = parsedKeys.load(ordering: .acquiring)
        if address == 0 { address = publishKeys() }
        // Safe: the address is of an ImageKeys this source holds a reference to until deinit.
        return Unmanaged<ImageKeys>.fromOpaque(UnsafeRawPointer(bitPattern: address)!).takeUnretainedValue()
    }

    /// Parses the key table and publishes it, or takes the one another thread published first.
    /// Returns the published table's address.
    @inline(never)
    private func publishKeys() -> UInt {
        let retained = Unmanaged.passRetained(ImageKeys(bytes: bytes, tableOffset: keyTable))
        let address = UInt(bitPattern: retained.toOpaque())
        // Acquiring and releasing: publishes our table's contents on success (release), and sees
        // the winner's contents on failure (acquire).
        let (exchanged, winner) = parsedKeys.compareExchange(
            expected: 0,
            desired: address,
            ordering: .acquiringAndReleasing
        )
        if exchanged { return address }
        retained.release()
        return winner
    }
}

// @unchecked: every stored property is a constant except `parsedKeys`, an atomic that goes from
// 0 to one address once; `bytes` points into the storage, whose bytes never change and which
// this source keeps alive.
extension ImageSource: @unchecked Sendable {}
