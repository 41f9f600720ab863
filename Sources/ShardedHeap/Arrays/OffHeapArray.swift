/// A growable array of plain values stored outside the Swift object heap, in memory from any
/// ``Allocator``, with the value semantics of the standard library's `Array`.
///
/// ```swift
/// var readings = OffHeapArray<Float>(allocator: alloc)   // a shard's heap, say
/// readings.append(contentsOf: [3.5, -1, 7.25])
/// var copy = readings          // shares the storage...
/// copy[0] = 0                  // ...until one of them changes: then it copies (copy on write)
/// await store(readings)        // it may be returned, stored and sent (for Sendable elements)
/// ```
///
/// ## Memory
/// Elements are `BitwiseCopyable`, so the array never runs element destructors. The storage grows
/// geometrically through the allocator's `reallocate`, and goes back to the allocator when the
/// last array sharing it is gone, on whatever thread that happens. Results of
/// ``map(into:_:)`` and ``filter(into:_:)`` go to the allocator you pass, by default this array's.
///
/// Regions free only all at once, so they are not allocators: for values in a region, use
/// ``RegionArray``, which cannot outlive its region.
///
/// ## Threads
/// Like `Array`: a value belongs to whoever holds it; copies held by other tasks are independent.
/// It is `Sendable` when its elements are.
public struct OffHeapArray<Element: BitwiseCopyable> {
    @usableFromInline var storage: OffHeapArrayStorage<Element>

    /// Creates an empty array.
    ///
    /// - Parameters:
    ///   - allocator: Where the storage comes from; the calling thread's default mimalloc heap by
    ///     default.
    ///   - capacity: Elements to make room for now.
    /// - Precondition: `capacity >= 0`. Running out of memory is a fatal error.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this.
    public init(allocator: some Allocator & Sendable = MimallocAllocator(), capacity: Int = 0) {
        self.init(storedIn: allocator, capacity: capacity)
    }

    /// An empty array in an allocator already boxed as an existential.
    init(storedIn allocator: any Allocator & Sendable, capacity: Int) {
        require(capacity >= 0, "OffHeapArray: capacity must not be negative (got \(capacity))")
        storage = OffHeapArrayStorage(allocator: allocator)
        if capacity > 0 { storage.resize(toCapacity: capacity) }
    }

    /// Creates an array holding `elements`, in order.
    ///
    /// - Complexity: O(*n*).
    public init(_ elements: some Sequence<Element>, allocator: some Allocator & Sendable = MimallocAllocator()) {
        self.init(allocator: allocator, capacity: elements.underestimatedCount)
        append(contentsOf: elements)
    }

    /// Creates an array of `count` copies of `repeatedValue`.
    ///
    /// - Precondition: `count >= 0`.
    /// - Complexity: O(`count`).
    public init(
        repeating repeatedValue: Element,
        count: Int,
        allocator: some Allocator & Sendable = MimallocAllocator()
    ) {
        self.init(allocator: allocator, capacity: count)
        for _ in 0..<count { storage.elements.appendAssumingRoom(repeatedValue) }
    }

    /// Where the storage comes from, and goes back to.
    public var allocator: any Allocator & Sendable { storage.allocator }

    /// The number of elements.
    @inlinable
    public var count: Int { storage.elements.count }

    /// The number of elements the storage holds before it must grow.
    public var capacity: Int { storage.elements.capacity }

    /// Makes the storage this array's own, with room for `minimumCapacity` elements, before a
    /// change.
    @inlinable
    mutating func makeUnique(minimumCapacity: Int = 0) {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(minimumCapacity: minimumCapacity)
        } else if minimumCapacity > storage.elements.capacity {
            storage.grow(toAtLeast: minimumCapacity)
        }
    }
}

// @unchecked: the storage is shared only while no array changes it (copy on write), and its
// allocator is Sendable; the elements are Sendable.
extension OffHeapArray: @unchecked Sendable where Element: Sendable {}

extension OffHeapArray: CustomStringConvertible {
    /// The elements, written like an array's.
    public var description: String {
        "OffHeapArray(" + Array(self).description + ")"
    }
}

extension OffHeapArray: Equatable where Element: Equatable {
    /// Whether both hold equal elements in the same order (allocators are not compared).
    public static func == (left: OffHeapArray, right: OffHeapArray) -> Bool {
        left.elementsEqual(right)
    }
}

extension OffHeapArray: ExpressibleByArrayLiteral {
    /// An array in the calling thread's default mimalloc heap.
    public init(arrayLiteral elements: Element...) {
        self.init(elements)
    }
}
