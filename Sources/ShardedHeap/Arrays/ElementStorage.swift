/// Contiguous `BitwiseCopyable` elements at `base`: `count` initialised, room for `capacity`.
///
/// The element operations that ``OffHeapArray`` and ``RegionArray`` share, none of which
/// allocates: each owner grows the memory with its own allocator first, then calls these. The
/// index checks trap in every build with a message naming the index.
@usableFromInline
struct ElementStorage<Element: BitwiseCopyable> {
    @usableFromInline var base: UnsafeMutablePointer<Element>?
    @usableFromInline var count: Int = 0
    @usableFromInline var capacity: Int = 0

    @usableFromInline
    init() {}

    /// The alignment asked of an allocator (at least 1).
    @usableFromInline
    static var alignment: Int { Swift.max(MemoryLayout<Element>.alignment, 1) }

    /// The bytes `capacity` elements take, trapping on overflow.
    static func byteCount(forCapacity capacity: Int, caller: StaticString) -> Int {
        let (bytes, overflow) = capacity.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        require(!overflow && capacity >= 0, "\(caller): a capacity of \(capacity) elements overflows the byte count")
        return bytes
    }

    /// The capacity to grow to so that `minimum` elements fit: at least double, and at least 32
    /// bytes' worth.
    func grownCapacity(toAtLeast minimum: Int) -> Int {
        Swift.max(minimum, capacity &* 2, 32 / Swift.max(MemoryLayout<Element>.stride, 1), 1)
    }

    @inlinable
    @inline(__always)
    func checkIndex(_ index: Int, caller: StaticString) {
        require(
            UInt(bitPattern: index) < UInt(bitPattern: count),
            "\(caller): index \(index) out of range 0..<\(count)"
        )
    }

    @inlinable
    subscript(index: Int) -> Element {
        get {
            // Safe: callers check `index` against `count` first.
            base.unsafelyUnwrapped[index]
        }
        nonmutating set {
            // Safe: as above; BitwiseCopyable elements need no deinitialisation.
            base.unsafelyUnwrapped[index] = newValue
        }
    }

    /// Appends `element`. - Precondition: `count < capacity`.
    @inlinable
    mutating func appendAssumingRoom(_ element: Element) {
        // Safe: the caller made room.
        (base.unsafelyUnwrapped + count).initialize(to: element)
        count &+= 1
    }

    /// Appends `source`. - Precondition: room for `source.count` more.
    mutating func appendAssumingRoom(contentsOf source: UnsafeBufferPointer<Element>) {
        guard source.count > 0 else { return }
        // Safe: the caller made room; the source is another collection's storage.
        (base.unsafelyUnwrapped + count).initialize(from: source.baseAddress.unsafelyUnwrapped, count: source.count)
        count += source.count
    }

    /// Inserts at `index`, moving the later elements up. - Precondition: `count < capacity`.
    mutating func insertAssumingRoom(_ element: Element, at index: Int, caller: StaticString) {
        require(index >= 0 && index <= count, "\(caller): insertion index \(index) out of range 0...\(count)")
        let start = base.unsafelyUnwrapped + index
        // Safe: the storage has room for one more; the moved range stays inside it.
        (start + 1).moveInitialize(from: start, count: count - index)
        start.initialize(to: element)
        count += 1
    }

    /// Removes the element at `index`, moving the later elements down.
    mutating func remove(at index: Int, caller: StaticString) -> Element {
        checkIndex(index, caller: caller)
        let start = base.unsafelyUnwrapped + index
        // Safe: `index` is initialised; the moved range stays inside the initialised elements.
        let removed = start.move()
        start.moveInitialize(from: start + 1, count: count - index - 1)
        count -= 1
        return removed
    }

    /// Removes the last element.
    mutating func removeLast(caller: StaticString) -> Element {
        require(count > 0, "\(caller): removeLast() on an empty array")
        count -= 1
        // Safe: the element at the old last index is initialised.
        return (base.unsafelyUnwrapped + count).move()
    }

    /// The initialised elements.
    @inlinable
    var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }
}
