/// A growable array of plain values stored outside the Swift object heap, in memory from any
/// ``Allocator`` — a ``Region`` included.
///
/// ```swift
/// withRegion { region in
///     let readings = OffHeapArray<Float>(allocator: region)
///     readings.append(contentsOf: [3.5, -1, 7.25])
///     let doubled = readings.filter { $0 > 0 }.map { Double($0) * 2 }   // both in `region`
///     print(doubled.reduce(0, +))
/// }   // nothing to free: the region took it all back
/// ```
///
/// ## Why a class
/// The array is a `final class` that frees its memory in `deinit`: shared ownership, like the
/// off-heap arrays of scala-offheap, and it can conform to `RandomAccessCollection` and
/// `MutableCollection` (a `~Copyable` struct cannot). Copying the reference does not copy the
/// elements; use ``init(_:allocator:)`` for a copy.
///
/// ## Memory
/// Elements are `BitwiseCopyable`, so the array never has to run element destructors. It grows
/// geometrically through the allocator's `reallocate`, which a region serves in place while the
/// array is its last block. When the allocator frees individually, `deinit` frees the storage;
/// with a region, the storage goes when the region closes, and the array must not be used after
/// that. Results of ``map(into:_:)`` and ``filter(into:_:)`` go to the allocator you pass, by
/// default this array's, so chains of them inside a region leave nothing behind.
///
/// ## Threads
/// Not `Sendable`: use it from one task at a time. Its allocator's own rules apply (a ``Region``
/// belongs to one task; ``MimallocAllocator`` and ``SharedRegion`` may be used anywhere).
public final class OffHeapArray<Element: BitwiseCopyable> {
    /// Where the storage comes from, and goes back to.
    public let allocator: any Allocator

    /// The first element's address, or nil while nothing was allocated.
    @usableFromInline var base: UnsafeMutablePointer<Element>?

    /// The number of elements.
    public internal(set) var count: Int = 0

    /// The number of elements the storage holds before it must grow.
    public internal(set) var capacity: Int = 0

    /// The alignment asked of the allocator (at least 1).
    static var storageAlignment: Int { Swift.max(MemoryLayout<Element>.alignment, 1) }

    /// Creates an empty array.
    ///
    /// - Parameters:
    ///   - allocator: Where the storage comes from; the calling thread's default mimalloc heap by
    ///     default.
    ///   - capacity: Elements to make room for now.
    /// - Precondition: `capacity >= 0`. Running out of memory is a fatal error.
    /// - Complexity: O(1).
    public init(allocator: any Allocator = MimallocAllocator(), capacity: Int = 0) {
        require(capacity >= 0, "OffHeapArray: capacity must not be negative (got \(capacity))")
        self.allocator = allocator
        if capacity > 0 { resizeStorage(to: capacity) }
    }

    /// Creates an array holding `elements`, in order.
    ///
    /// - Parameters:
    ///   - elements: The elements to copy.
    ///   - allocator: Where the storage comes from; the default mimalloc heap by default.
    /// - Complexity: O(*n*).
    public convenience init(_ elements: some Sequence<Element>, allocator: any Allocator = MimallocAllocator()) {
        self.init(allocator: allocator, capacity: elements.underestimatedCount)
        append(contentsOf: elements)
    }

    /// Creates an array of `count` copies of `repeatedValue`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Complexity: O(`count`).
    public convenience init(
        repeating repeatedValue: Element,
        count: Int,
        allocator: any Allocator = MimallocAllocator()
    ) {
        self.init(allocator: allocator, capacity: count)
        if count > 0 {
            // Safe: the storage holds `capacity >= count` elements.
            base.unsafelyUnwrapped.initialize(repeating: repeatedValue, count: count)
        }
        self.count = count
    }

    deinit {
        // Elements are BitwiseCopyable: nothing to deinitialise. A region ignores the call anyway,
        // but skipping it saves an existential call.
        if let base, allocator.freesIndividually {
            allocator.deallocate(UnsafeMutableRawPointer(base))
        }
    }

    /// Makes room for at least `minimumCapacity` elements.
    ///
    /// - Complexity: O(`count`) when the storage moves, O(1) otherwise.
    /// - Precondition: Running out of memory is a fatal error.
    public func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { resizeStorage(to: minimumCapacity) }
    }

    /// Grows geometrically to hold at least `minimumCapacity` elements.
    @usableFromInline
    @inline(never)
    func grow(toAtLeast minimumCapacity: Int) {
        let minimumBytes = 32 / MemoryLayout<Element>.stride
        resizeStorage(to: Swift.max(minimumCapacity, capacity &* 2, minimumBytes, 1))
    }

    /// Moves the storage to exactly `newCapacity` elements (at least `count`), keeping the elements.
    func resizeStorage(to newCapacity: Int) {
        require(newCapacity >= count, "OffHeapArray: capacity \(newCapacity) is below the count \(count)")
        let (byteCount, overflow) = newCapacity.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        require(!overflow, "OffHeapArray: a capacity of \(newCapacity) elements overflows the byte count")
        let raw: UnsafeMutableRawPointer
        do {
            if let base {
                raw = try allocator.reallocate(
                    UnsafeMutableRawPointer(base),
                    byteCount: byteCount,
                    alignment: Self.storageAlignment
                )
            } else {
                raw = try allocator.allocate(byteCount: byteCount, alignment: Self.storageAlignment)
            }
        } catch {
            fatalError("OffHeapArray: \(error) (growing to \(newCapacity) elements)")
        }
        // Safe: the block holds `newCapacity` elements and its first `count` are ours, copied by
        // `reallocate`; Element is BitwiseCopyable, so binding raw bytes to it is sound.
        base = raw.bindMemory(to: Element.self, capacity: newCapacity)
        capacity = newCapacity
    }

    /// Sets the count after the caller initialised or dropped elements.
    @usableFromInline
    func setCount(_ newCount: Int) {
        count = newCount
    }
}

extension OffHeapArray: CustomStringConvertible {
    /// The elements, written like an array's.
    public var description: String {
        "OffHeapArray(" + Array(self).description + ")"
    }
}

/// The array is used by one task at a time.
@available(*, unavailable)
extension OffHeapArray: Sendable {}
