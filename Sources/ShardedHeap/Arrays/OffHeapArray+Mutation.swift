extension OffHeapArray {
    /// Adds `element` at the end, growing the storage geometrically when it is full.
    ///
    /// - Complexity: Amortised O(1).
    /// - Precondition: Running out of memory is a fatal error.
    @inlinable
    public mutating func append(_ element: Element) {
        makeUnique(minimumCapacity: count &+ 1)
        storage.elements.appendAssumingRoom(element)
    }

    /// Adds `elements` at the end, in order.
    ///
    /// - Complexity: O(*m*) amortised for *m* new elements.
    public mutating func append(contentsOf elements: some Sequence<Element>) {
        let copied: Bool? = elements.withContiguousStorageIfAvailable { source in
            makeUnique(minimumCapacity: count + source.count)
            storage.elements.appendAssumingRoom(contentsOf: source)
            return true
        }
        if copied == nil {
            makeUnique(minimumCapacity: count + elements.underestimatedCount)
            for element in elements { append(element) }
        }
    }

    /// Inserts `element` at `index`, moving the later elements up.
    ///
    /// - Precondition: `0 <= index <= count`.
    /// - Complexity: O(`count - index`).
    public mutating func insert(_ element: Element, at index: Int) {
        makeUnique(minimumCapacity: count + 1)
        storage.elements.insertAssumingRoom(element, at: index, caller: "OffHeapArray.insert")
    }

    /// Removes and returns the element at `index`, moving the later elements down.
    ///
    /// - Precondition: `0 <= index < count`.
    /// - Complexity: O(`count - index`).
    @discardableResult
    public mutating func remove(at index: Int) -> Element {
        storage.elements.checkIndex(index, caller: "OffHeapArray.remove(at:)")
        makeUnique()
        return storage.elements.remove(at: index, caller: "OffHeapArray.remove(at:)")
    }

    /// Removes and returns the last element.
    ///
    /// - Precondition: The array is not empty.
    /// - Complexity: O(1), or O(`count`) when the storage is shared.
    @discardableResult
    public mutating func removeLast() -> Element {
        require(count > 0, "OffHeapArray: removeLast() on an empty array")
        makeUnique()
        return storage.elements.removeLast(caller: "OffHeapArray")
    }

    /// Removes every element.
    ///
    /// - Parameter keepingCapacity: Whether to keep the storage for reuse. Otherwise the storage
    ///   goes back to the allocator (once no other array shares it).
    /// - Complexity: O(1).
    public mutating func removeAll(keepingCapacity: Bool = false) {
        if keepingCapacity {
            makeUnique()
            storage.elements.count = 0
        } else {
            storage = OffHeapArrayStorage(allocator: storage.allocator)
        }
    }

    /// Makes room for at least `minimumCapacity` elements.
    ///
    /// - Complexity: O(`count`) when the storage moves, O(1) otherwise.
    /// - Precondition: Running out of memory is a fatal error.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(minimumCapacity: minimumCapacity)
        } else if minimumCapacity > capacity {
            storage.resize(toCapacity: minimumCapacity)
        }
    }
}
