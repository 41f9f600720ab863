extension OffHeapArray {
    /// Adds `element` at the end, growing the storage geometrically when it is full.
    ///
    /// - Complexity: Amortised O(1).
    /// - Precondition: Running out of memory is a fatal error.
    @inlinable
    public func append(_ element: Element) {
        if count == capacity { grow(toAtLeast: count &+ 1) }
        // Safe: `count < capacity` now.
        (base.unsafelyUnwrapped + count).initialize(to: element)
        setCount(count &+ 1)
    }

    /// Adds `elements` at the end, in order.
    ///
    /// - Complexity: O(*m*) amortised for *m* new elements.
    public func append(contentsOf elements: some Sequence<Element>) {
        let copied: Bool? = elements.withContiguousStorageIfAvailable { source in
            guard source.count > 0 else { return true }
            if count + source.count > capacity { grow(toAtLeast: count + source.count) }
            // Safe: room was made; the source is not this array's storage, which just moved
            // or is distinct from any other collection's.
            (base.unsafelyUnwrapped + count).initialize(from: source.baseAddress.unsafelyUnwrapped, count: source.count)
            count += source.count
            return true
        }
        if copied == nil {
            let wanted = count + elements.underestimatedCount
            if wanted > capacity { grow(toAtLeast: wanted) }
            for element in elements { append(element) }
        }
    }

    /// Inserts `element` at `index`, moving the later elements up.
    ///
    /// - Precondition: `0 <= index <= count`.
    /// - Complexity: O(`count - index`).
    public func insert(_ element: Element, at index: Int) {
        require(index >= 0 && index <= count, "OffHeapArray: insertion index \(index) out of range 0...\(count)")
        if count == capacity { grow(toAtLeast: count + 1) }
        let start = base.unsafelyUnwrapped + index
        // Safe: the storage has room for one more; the moved range stays inside it.
        (start + 1).moveInitialize(from: start, count: count - index)
        start.initialize(to: element)
        count += 1
    }

    /// Removes and returns the element at `index`, moving the later elements down.
    ///
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(`count - index`).
    @discardableResult
    public func remove(at index: Int) -> Element {
        require(index >= 0 && index < count, "OffHeapArray: index \(index) out of range 0..<\(count)")
        let start = base.unsafelyUnwrapped + index
        // Safe: `index` is initialised; the moved range stays inside the initialised elements.
        let removed = start.move()
        start.moveInitialize(from: start + 1, count: count - index - 1)
        count -= 1
        return removed
    }

    /// Removes and returns the last element.
    ///
    /// - Precondition: The array is not empty.
    /// - Complexity: O(1).
    @discardableResult
    public func removeLast() -> Element {
        require(count > 0, "OffHeapArray: removeLast() on an empty array")
        count -= 1
        // Safe: the element at the old last index is initialised.
        return (base.unsafelyUnwrapped + count).move()
    }

    /// Removes every element.
    ///
    /// - Parameter keepingCapacity: Whether to keep the storage for reuse. Otherwise the storage
    ///   is freed (by an allocator that frees individually; a region keeps it until it closes).
    /// - Complexity: O(1).
    public func removeAll(keepingCapacity: Bool = false) {
        count = 0
        guard !keepingCapacity, let base else { return }
        if allocator.freesIndividually { allocator.deallocate(UnsafeMutableRawPointer(base)) }
        self.base = nil
        capacity = 0
    }
}
