extension OffHeapArray {
    /// Returns a new off-heap array of `transform` applied to each element, in order.
    ///
    /// - Parameters:
    ///   - allocator: Where the result lives; by default this array's allocator, so that inside a
    ///     region the result is freed with the region.
    ///   - transform: Maps an element.
    /// - Returns: An array of exactly `count` elements.
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    public func map<T: BitwiseCopyable, Failure: Error>(
        into allocator: (any Allocator)? = nil,
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> OffHeapArray<T> {
        let result = OffHeapArray<T>(allocator: allocator ?? self.allocator, capacity: count)
        for index in 0..<count {
            // Safe: `index < count`.
            result.append(try transform(base.unsafelyUnwrapped[index]))
        }
        return result
    }

    /// Returns a new off-heap array of the elements that satisfy `isIncluded`, in order.
    ///
    /// - Parameters:
    ///   - allocator: Where the result lives; by default this array's allocator.
    ///   - isIncluded: Whether to keep an element.
    /// - Returns: The kept elements. Its storage grows geometrically (in place, in a region,
    ///   while it is the region's last block).
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    public func filter<Failure: Error>(
        into allocator: (any Allocator)? = nil,
        _ isIncluded: (Element) throws(Failure) -> Bool
    ) throws(Failure) -> OffHeapArray<Element> {
        let result = OffHeapArray<Element>(allocator: allocator ?? self.allocator)
        for index in 0..<count {
            // Safe: `index < count`.
            let element = base.unsafelyUnwrapped[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    /// Calls `body` on each element, in order.
    ///
    /// - Throws: Whatever `body` throws; the elements after it are not visited.
    /// - Complexity: O(`count`).
    public func forEach<Failure: Error>(_ body: (Element) throws(Failure) -> Void) throws(Failure) {
        for index in 0..<count {
            // Safe: `index < count`; `body` must not shrink the array (the bound is re-read).
            try body(base.unsafelyUnwrapped[index])
        }
    }

    /// Combines the elements, in order, starting from `initialResult`.
    ///
    /// - Returns: The final accumulated value.
    /// - Throws: Whatever `nextPartialResult` throws.
    /// - Complexity: O(`count`).
    public func reduce<Result, Failure: Error>(
        _ initialResult: Result,
        _ nextPartialResult: (Result, Element) throws(Failure) -> Result
    ) throws(Failure) -> Result {
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
    public func reduce<Result, Failure: Error>(
        into initialResult: Result,
        _ updateAccumulatingResult: (inout Result, Element) throws(Failure) -> Void
    ) throws(Failure) -> Result {
        var result = initialResult
        for index in 0..<count {
            // Safe: `index < count`.
            try updateAccumulatingResult(&result, base.unsafelyUnwrapped[index])
        }
        return result
    }
}
