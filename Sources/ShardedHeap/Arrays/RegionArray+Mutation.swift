extension RegionArray {
    /// Adds `element` at the end, growing the storage geometrically when it is full.
    ///
    /// - Complexity: Amortised O(1).
    /// - Precondition: Running out of memory is a fatal error.
    @inlinable
    public mutating func append(_ element: Element) {
        if elements.count == elements.capacity { grow(toAtLeast: elements.count &+ 1) }
        elements.appendAssumingRoom(element)
    }

    /// Adds `elements` at the end, in order.
    ///
    /// - Complexity: O(*m*) amortised for *m* new elements.
    public mutating func append(contentsOf newElements: some Sequence<Element>) {
        let copied: Bool? = newElements.withContiguousStorageIfAvailable { source in
            if elements.count + source.count > elements.capacity { grow(toAtLeast: elements.count + source.count) }
            elements.appendAssumingRoom(contentsOf: source)
            return true
        }
        if copied == nil {
            for element in newElements { append(element) }
        }
    }

    /// Inserts `element` at `index`, moving the later elements up.
    ///
    /// - Precondition: `0 <= index <= count`.
    /// - Complexity: O(`count - index`).
    public mutating func insert(_ element: Element, at index: Int) {
        if elements.count == elements.capacity { grow(toAtLeast: elements.count + 1) }
        elements.insertAssumingRoom(element, at: index, caller: "RegionArray.insert")
    }

    /// Removes and returns the element at `index`, moving the later elements down.
    ///
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(`count - index`).
    @discardableResult
    public mutating func remove(at index: Int) -> Element {
        elements.remove(at: index, caller: "RegionArray.remove(at:)")
    }

    /// Removes and returns the last element.
    ///
    /// - Precondition: The array is not empty.
    /// - Complexity: O(1).
    @discardableResult
    public mutating func removeLast() -> Element {
        elements.removeLast(caller: "RegionArray")
    }

    /// Removes every element, keeping the storage for reuse (the region frees it when it closes).
    ///
    /// - Complexity: O(1).
    public mutating func removeAll() {
        elements.count = 0
    }

    /// Makes room for at least `minimumCapacity` elements.
    ///
    /// - Complexity: O(`count`) when the storage moves, O(1) otherwise.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > elements.capacity { resize(toCapacity: minimumCapacity) }
    }

    /// Sorts the elements in place with `areInIncreasingOrder`.
    ///
    /// - Complexity: O(*n* log *n*).
    public mutating func sort(by areInIncreasingOrder: (Element, Element) throws -> Bool) rethrows {
        var buffer = elements.buffer
        try buffer.sort(by: areInIncreasingOrder)
    }

    /// Grows geometrically to hold at least `minimumCapacity` elements.
    @usableFromInline
    @inline(never)
    mutating func grow(toAtLeast minimumCapacity: Int) {
        resize(toCapacity: elements.grownCapacity(toAtLeast: minimumCapacity))
    }
}

extension RegionArray where Element: Comparable {
    /// Sorts the elements in place in increasing order.
    ///
    /// - Complexity: O(*n* log *n*).
    public mutating func sort() {
        sort(by: <)
    }
}
