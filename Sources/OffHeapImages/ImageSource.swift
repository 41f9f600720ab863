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
    /// A decoding state that a finished pass left for the next: the address of a retained
    /// ``ImageReaderState``, or 0 when there is none (none yet, or another pass has it now).
    private let parkedPass = Atomic<UInt>(0)

    init(storage: ImageStorage, keyTable: Int) {
        self.storage = storage
        self.bytes = storage.bytes
        self.keyTable = keyTable
    }

    deinit {
        let parked = parkedPass.load(ordering: .acquiring)
        if parked != 0 {
            // Safe: a non-zero address is the one reference `park` retained and stored.
            Unmanaged<ImageReaderState>.fromOpaque(UnsafeRawPointer(bitPattern: parked)!).release()
        }
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

    /// Runs `body` with a decoding pass over this source: the parked state when there is one
    /// (taken, so no other pass can have it meanwhile), a new one otherwise. Afterwards the state
    /// is parked for the next pass, unless something still holds it (a container or decoder that
    /// escaped `init(from:)`): then the state holds this source from then on, so that what holds
    /// it can still read the bytes, and is never parked. Any thread may call this.
    ///
    /// The caller holds this source (it calls a method of it) until `body` returns, so a state
    /// needs no reference to it during a pass.
    ///
    /// - Throws: What is wrong with the key table, when it is damaged; whatever `body` throws.
    @inline(__always)
    func withPass<Result>(_ body: (ImageReaderState) throws -> Result) throws -> Result {
        var pass = try takePass()
        defer { park(&pass) }
        return try body(pass)
    }

    /// The parked state, ready for a pass, or a new state.
    @inline(__always)
    private func takePass() throws(ImageError) -> ImageReaderState {
        // Acquiring: pairs with the releasing exchange in `park`, so the state's reset is seen.
        let address = parkedPass.exchange(0, ordering: .acquiring)
        guard address != 0 else { return try ImageReaderState(source: self, maximumDepth: OffHeap.maximumDepth) }
        // Safe: a non-zero address is a reference `park` retained and stored; the exchange made
        // this call its only taker. A parked state was made with this source's intact key table.
        return Unmanaged<ImageReaderState>.fromOpaque(UnsafeRawPointer(bitPattern: address)!).takeRetainedValue()
    }

    /// Parks `pass` for the next pass, when nothing but the caller holds it any more; otherwise
    /// makes it keep this source alive for whatever holds it.
    @inline(__always)
    private func park(_ pass: inout ImageReaderState) {
        guard isKnownUniquelyReferenced(&pass) else {
            pass.keep(self)
            return
        }
        guard pass.isAtRest else { return }
        pass.suspend()
        let retained = Unmanaged.passRetained(pass)
        // Releasing: the reset above is visible to the thread that takes the state.
        let (exchanged, _) = parkedPass.compareExchange(
            expected: 0,
            desired: UInt(bitPattern: retained.toOpaque()),
            ordering: .releasing
        )
        if !exchanged { retained.release() }
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
