extension OffHeapArray {
    /// Returns a new off-heap array, in this array's allocator, of `transform` applied to each
    /// element, in order.
    ///
    /// It is preferred over `Sequence.map` (which returns a Swift `Array`) whenever the result
    /// type is `BitwiseCopyable`. Inside a region, the result is freed with the region.
    ///
    /// - Parameter transform: Maps an element.
    /// - Returns: An array of exactly `count` elements.
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    public func map<T: BitwiseCopyable, Failure: Error>(
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        try map(into: allocator, transform)
    }

    /// Returns a new off-heap array, in this array's allocator, of the elements that satisfy
    /// `isIncluded`, in order.
    ///
    /// It is preferred over `Sequence.filter`, which returns a Swift `Array`.
    ///
    /// - Parameter isIncluded: Whether to keep an element.
    /// - Returns: The kept elements.
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> OffHeapArray<Element> {
        // Untyped `rethrows`, like `Sequence.filter`, so that this overload is the one chosen.
        let result = OffHeapArray<Element>(allocator: allocator)
        for index in 0..<count {
            // Safe: `index < count`.
            let element = base.unsafelyUnwrapped[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    /// Returns a new off-heap array of `transform` applied to each element, in order.
    ///
    /// - Parameters:
    ///   - allocator: Where the result lives.
    ///   - transform: Maps an element.
    /// - Returns: An array of exactly `count` elements.
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    public func map<T: BitwiseCopyable, Failure: Error>(
        into allocator: any Allocator,
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        let result = OffHeapArray<T>(allocator: allocator, capacity: count)
        for index in 0..<count {
            // Safe: `index < count`.
            result.append(try transform(base.unsafelyUnwrapped[index]))
        }
        return result
    }

    /// Returns a new off-heap array of the elements that satisfy `isIncluded`, in order.
    ///
    /// - Parameters:
    ///   - allocator: Where the result lives.
    ///   - isIncluded: Whether to keep an element.
    /// - Returns: The kept elements. Its storage grows geometrically (in place, in a region,
    ///   while it is the region's last block).
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    public func filter<Failure: Error>(
        into allocator: any Allocator,
        _ isIncluded: (Element) throws(Failure) -> Bool
    ) throws(Failure) -> OffHeapArray<Element> {
        let result = OffHeapArray<Element>(allocator: allocator)
        for index in 0..<count {
            // Safe: `index < count`.
            let element = base.unsafelyUnwrapped[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    /// Calls `body` on each element, in order, without an iterator.
    ///
    /// `forEach` and `reduce` rethrow untyped errors, like `Sequence`'s, so that these overloads
    /// (direct loops over the storage) are the ones chosen.
    ///
    /// - Throws: Whatever `body` throws; the elements after it are not visited.
    /// - Complexity: O(`count`).
    public func forEach(_ body: (Element) throws -> Void) rethrows {
        for index in 0..<count {
            // Safe: `index < count`; `body` must not shrink the array.
            try body(base.unsafelyUnwrapped[index])
        }
    }

    /// Combines the elements, in order, starting from `initialResult`.
    ///
    /// - Returns: The final accumulated value.
    /// - Throws: Whatever `nextPartialResult` throws.
    /// - Complexity: O(`count`).
    public func reduce<Result>(
        _ initialResult: Result,
        _ nextPartialResult: (Result, Element) throws -> Result
    ) rethrows -> Result {
        var result = initialResult
        for index in 0..<count {
            // Safe: `index < count`.
            result = try nextPartialResult(result, base.unsafelyUnwrapped[index])
        }
        return result
    }

    /// Combines the elements, in order, into a mutable accumulator.
    ///
    /// - Returns: The accumulator after the last element.
    /// - Throws: Whatever `updateAccumulatingResult` throws.
    /// - Complexity: O(`count`).
    public func reduce<Result>(
        into initialResult: Result,
        _ updateAccumulatingResult: (inout Result, Element) throws -> Void
    ) rethrows -> Result {
        var result = initialResult
        for index in 0..<count {
            // Safe: `index < count`.
            try updateAccumulatingResult(&result, base.unsafelyUnwrapped[index])
        }
        return result
    }
}
