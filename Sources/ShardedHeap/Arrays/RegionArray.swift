/// A growable array of plain values in a region's memory, which cannot outlive the region.
///
/// ```swift
/// let total = withRegion { region in
///     var readings = RegionArray<Float>(in: region)
///     readings.append(contentsOf: [3.5, -1, 7.25])
///     let doubled = readings.map { Double($0) * 2 }    // also in `region`
///     return doubled.reduce(0, +)                      // a plain Double leaves the scope
/// }   // nothing to free: the region took it all back
/// ```
///
/// It is non-escapable and its lifetime is tied to the region's: returning it from
/// ``withRegion(pool:_:)-4p77b``, storing it outside the scope or capturing it in an escaping closure
/// does not compile. It is `~Copyable`, so each array owns its elements: there is no shared
/// storage to alias, and a span of it borrows it like any other value's.
///
/// The storage grows geometrically through the region's `reallocate`, which grows in place while
/// the array is the region's last block; old storage stays in the region until it closes.
///
/// Elements are `BitwiseCopyable`, so the array never runs element destructors, and nothing is
/// freed when it goes away: the region frees everything at once.
///
/// Use it from the task that owns the region.
public struct RegionArray<Element: BitwiseCopyable>: ~Copyable, ~Escapable {
    @usableFromInline let state: UnsafeMutablePointer<RegionState>
    @usableFromInline var elements = ElementStorage<Element>()

    /// Creates an empty array in `region`.
    ///
    /// - Parameters:
    ///   - region: Where the elements live; the array cannot outlive it.
    ///   - capacity: Elements to make room for now.
    /// - Precondition: `capacity >= 0`. Running out of memory is a fatal error.
    /// - Complexity: O(1).
    @_lifetime(copy region)
    public init(in region: Region, capacity: Int = 0) {
        require(capacity >= 0, "RegionArray: capacity must not be negative (got \(capacity))")
        state = region.state
        if capacity > 0 { resize(toCapacity: capacity) }
    }

    /// Creates an array in `region` holding `elements`, in order.
    ///
    /// - Complexity: O(*n*).
    @_lifetime(copy region)
    public init(_ elements: some Sequence<Element>, in region: Region) {
        self.init(in: region, capacity: elements.underestimatedCount)
        append(contentsOf: elements)
    }

    /// Creates an array in `region` of `count` copies of `repeatedValue`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Complexity: O(`count`).
    @_lifetime(copy region)
    public init(repeating repeatedValue: Element, count: Int, in region: Region) {
        self.init(in: region, capacity: count)
        for _ in 0..<count { elements.appendAssumingRoom(repeatedValue) }
    }

    /// The region the elements live in.
    public var region: Region {
        @_lifetime(copy self)
        get { _overrideLifetime(Region(unsafeState: state), copying: self) }
    }

    /// The number of elements.
    @inlinable
    public var count: Int { elements.count }

    /// Whether the array has no elements.
    public var isEmpty: Bool { elements.count == 0 }

    /// The number of elements the storage holds before it must grow.
    public var capacity: Int { elements.capacity }

    /// `0..<count`.
    public var indices: Range<Int> { 0..<elements.count }

    /// The element at `index`.
    ///
    /// - Precondition: `0 <= index < count`; the message names the bad index.
    /// - Complexity: O(1).
    @inlinable
    public subscript(index: Int) -> Element {
        get {
            elements.checkIndex(index, caller: "RegionArray")
            return elements[index]
        }
        set {
            elements.checkIndex(index, caller: "RegionArray")
            elements[index] = newValue
        }
    }

    /// Moves the elements to exactly `newCapacity` elements of region memory (at least `count`).
    @usableFromInline
    @inline(never)
    mutating func resize(toCapacity newCapacity: Int) {
        require(
            newCapacity >= elements.count,
            "RegionArray: capacity \(newCapacity) is below the count \(elements.count)"
        )
        let byteCount = ElementStorage<Element>.byteCount(forCapacity: newCapacity, caller: "RegionArray")
        let raw = RegionArray.place(
            byteCount: byteCount,
            moving: elements.base.map(UnsafeMutableRawPointer.init),
            oldByteCount: elements.capacity &* MemoryLayout<Element>.stride,
            in: state,
            capacity: newCapacity
        )
        // Safe: the block holds `newCapacity` elements and its first `count` are ours (copied by
        // `reallocate`); Element is BitwiseCopyable, so binding raw bytes to it is sound.
        elements.base = raw.bindMemory(to: Element.self, capacity: newCapacity)
        elements.capacity = newCapacity
    }
}

extension RegionArray where Element: BitwiseCopyable {
    /// Places a block for the elements in the region (moving the old one, if any). Static, so
    /// that no use of `self` can look like an escape to the lifetime checker (in sanitizer
    /// builds, the same code as a method was rejected).
    @usableFromInline
    static func place(
        byteCount: Int,
        moving old: UnsafeMutableRawPointer?,
        oldByteCount: Int,
        in state: UnsafeMutablePointer<RegionState>,
        capacity: Int
    ) -> UnsafeMutableRawPointer {
        do {
            if let old {
                return try state.pointee.reallocate(
                    old,
                    from: oldByteCount,
                    to: byteCount,
                    alignment: ElementStorage<Element>.alignment
                )
            }
            return try state.pointee.allocate(byteCount: byteCount, alignment: ElementStorage<Element>.alignment)
        } catch {
            fatalError("RegionArray: \(error) (growing to \(capacity) elements)")
        }
    }
}

/// A region array belongs to the task that owns its region.
@available(*, unavailable)
extension RegionArray: Sendable {}
