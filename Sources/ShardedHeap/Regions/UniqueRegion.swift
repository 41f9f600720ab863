/// A region whose lifetime no scope describes: opened, used through ``region``, and closed by
/// ``close()`` (or when it goes out of scope).
///
/// ```swift
/// var owner = Region.open()
/// do {
///     var names = RegionArray<UInt8>(in: owner.region)
///     names.append(contentsOf: "value".utf8)
/// }
/// owner.close()   // does not compile while `names` is alive
/// ```
///
/// It is `~Copyable`, and ``close()`` is `mutating`, so the compiler refuses to close it while
/// anything borrowed from ``region`` (a ``RegionArray``, say) is still in use. After closing, the
/// owner is empty: allocating through ``region`` again traps with a message, so nothing can reach
/// memory that went back to the pool. Its state lives in memory of its own, one system allocation
/// per region.
///
/// It belongs to one task at a time, like ``Region``.
public struct UniqueRegion: ~Copyable {
    let state: UnsafeMutablePointer<RegionState>

    /// Opens a region.
    ///
    /// - Parameter pool: Where pages come from; by default ``PagePool/current``: the calling
    ///   shard's own pool on a shard's thread, ``PagePool/shared`` elsewhere.
    /// - Complexity: O(1). No page is borrowed until the first allocation.
    ///
    /// Any thread may call this; the region then belongs to the calling task.
    public init(pool: PagePool? = nil) {
        state = .allocate(capacity: 1)
        // Safe: the memory was just allocated for one state.
        state.initialize(to: RegionState(pool: pool ?? PagePool.current))
    }

    deinit {
        // Safe: the state was initialised in init and nothing borrows it any more (`region`'s
        // lifetime ends before this value's).
        state.pointee.close()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The region, for allocating and for ``RegionArray``s. Whatever depends on it must be done
    /// before ``close()``.
    public var region: Region {
        @_lifetime(borrow self)
        borrowing get {
            _overrideLifetime(Region(unsafeState: state), borrowing: self)
        }
    }

    /// Returns every page to its pool and frees every large block. Calling it again does
    /// nothing; allocating afterwards traps.
    ///
    /// - Complexity: O(pages + large blocks), independent of the number of allocations.
    public mutating func close() {
        // Safe: `mutating` means nothing borrows `region` now.
        state.pointee.close()
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { state.pointee.isClosed }
}

extension Region {
    /// Opens a region whose lifetime you manage; see ``UniqueRegion``.
    ///
    /// - Parameter pool: Where pages come from; by default ``PagePool/current``.
    ///
    /// Any thread may call this.
    public static func open(pool: PagePool? = nil) -> UniqueRegion {
        UniqueRegion(pool: pool)
    }
}

/// A unique region belongs to one task at a time.
@available(*, unavailable)
extension UniqueRegion: Sendable {}
