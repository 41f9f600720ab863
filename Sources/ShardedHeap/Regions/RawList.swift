/// A growable list of plain values in memory of its own, for the bookkeeping of pools and regions
/// (page addresses, chunk addresses, large blocks).
///
/// It is `~Copyable` so that exactly one owner frees its buffer, in `deinit`. It never runs on a
/// region's allocation fast path: pools and regions touch it only when they take or return pages.
/// Its memory comes from the Swift runtime's allocator (glibc's malloc here), never from a pool.
///
/// Not thread-safe: the owner serialises access (a lock, or confinement to one thread).
struct RawList<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count: Int = 0
    private(set) var capacity: Int = 0

    init() {}

    deinit {
        base?.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    subscript(index: Int) -> Element {
        get {
            require(index >= 0 && index < count, "RawList: index \(index) out of range 0..<\(count)")
            // Safe: `index` is within the initialised prefix.
            return base.unsafelyUnwrapped[index]
        }
        set {
            require(index >= 0 && index < count, "RawList: index \(index) out of range 0..<\(count)")
            // Safe: as above; elements are trivial, so assignment needs no deinitialisation.
            base.unsafelyUnwrapped[index] = newValue
        }
    }

    /// Makes room for `minimumCapacity` elements without further reallocation.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let newCapacity = Swift.max(minimumCapacity, capacity * 2, 8)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let base {
            // Safe: both buffers hold at least `count` elements and do not overlap; trivial types.
            grown.initialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = newCapacity
    }

    mutating func append(_ element: Element) {
        if count == capacity { reserveCapacity(count + 1) }
        // Safe: `count < capacity` after the reserve above.
        (base.unsafelyUnwrapped + count).initialize(to: element)
        count += 1
    }

    /// Appends every element of `other`, leaving `other` unchanged.
    mutating func append(contentsOf other: borrowing RawList<Element>) {
        guard other.count > 0 else { return }
        reserveCapacity(count + other.count)
        // Safe: room was reserved; the two lists own distinct buffers.
        (base.unsafelyUnwrapped + count).initialize(from: other.base.unsafelyUnwrapped, count: other.count)
        count += other.count
    }

    mutating func removeLast() -> Element {
        require(count > 0, "RawList: removeLast() on an empty list")
        count -= 1
        // Safe: the element at `count` was initialised; trivial types need no deinitialisation.
        return base.unsafelyUnwrapped[count]
    }

    /// Removes the last `k` elements. O(1).
    mutating func removeLast(_ k: Int) {
        require(k >= 0 && k <= count, "RawList: removeLast(\(k)) on a list of \(count)")
        count -= k
    }

    /// Removes the element at `index` by moving the last element into its place. O(1).
    mutating func swapRemove(at index: Int) -> Element {
        let removed = self[index]
        let last = removeLast()
        if index < count { self[index] = last }
        return removed
    }

    /// Forgets every element, keeping the buffer.
    mutating func removeAll() {
        count = 0
    }

    /// Keeps only the elements for which `keep` returns true, in order. O(count).
    mutating func retain(where keep: (Element) -> Bool) {
        var kept = 0
        for index in 0..<count {
            let element = self[index]
            if keep(element) {
                // Safe: `kept <= index < count`.
                base.unsafelyUnwrapped[kept] = element
                kept += 1
            }
        }
        count = kept
    }

    /// Calls `body` with the elements as a mutable buffer (for sorting).
    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R {
        body(UnsafeMutableBufferPointer(start: base, count: count))
    }
}

// @unchecked: the list holds plain values (addresses and sizes) in a buffer only its single owner
// touches; it crosses threads only inside a lock (a pool's inbox) or with its owner.
extension RawList: @unchecked Sendable {}
