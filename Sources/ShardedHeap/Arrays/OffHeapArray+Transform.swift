extension OffHeapArray {
    /// Returns a new off-heap array, in this array's allocator, of `transform` applied to each
    /// element, in order.
    ///
    /// It is chosen over `Sequence.map` (which returns a Swift `Array`) whenever the result type
    /// is `BitwiseCopyable`.
    ///
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    public func map<T: BitwiseCopyable, Failure: Error>(
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        try map(storedIn: allocator, transform)
    }

    /// Returns a new off-heap array, in `allocator`, of `transform` applied to each element, in
    /// order.
    ///
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    public func map<T: BitwiseCopyable, Failure: Error>(
        into allocator: some Allocator & Sendable,
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        try map(storedIn: allocator, transform)
    }

    /// Returns a new off-heap array, in this array's allocator, of the elements that satisfy
    /// `isIncluded`, in order (chosen over `Sequence.filter`, which returns a Swift `Array`).
    ///
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> OffHeapArray<Element> {
        // Untyped `rethrows`, like `Sequence.filter`, so that this overload is the one chosen.
        var result = OffHeapArray<Element>(storedIn: allocator, capacity: 0)
        for index in 0..<count {
            let element = storage.elements[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    /// Returns a new off-heap array, in `allocator`, of the elements that satisfy `isIncluded`,
    /// in order.
    ///
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    public func filter<Failure: Error>(
        into allocator: some Allocator & Sendable,
        _ isIncluded: (Element) throws(Failure) -> Bool
    ) throws(Failure) -> OffHeapArray<Element> {
        var result = OffHeapArray<Element>(allocator: allocator)
        for index in 0..<count {
            let element = storage.elements[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    private func map<T: BitwiseCopyable, Failure: Error>(
        storedIn allocator: any Allocator & Sendable,
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        var result = OffHeapArray<T>(storedIn: allocator, capacity: count)
        for index in 0..<count {
            result.append(try transform(storage.elements[index]))
        }
        return result
    }
}
