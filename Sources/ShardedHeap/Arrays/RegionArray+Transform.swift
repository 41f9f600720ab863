extension RegionArray {
    /// Returns a new array, in the same region, of `transform` applied to each element, in order.
    ///
    /// - Throws: Whatever `transform` throws.
    /// - Complexity: O(`count`), one allocation.
    @_lifetime(copy self)
    public func map<T: BitwiseCopyable, Failure: Error>(
        _ transform: (Element) throws(Failure) -> T
    ) throws(Failure) -> RegionArray<T> {
        var result = RegionArray<T>(in: region, capacity: elements.count)
        for index in 0..<elements.count {
            result.append(try transform(elements[index]))
        }
        return result
    }

    /// Returns a new array, in the same region, of the elements that satisfy `isIncluded`, in
    /// order.
    ///
    /// - Throws: Whatever `isIncluded` throws.
    /// - Complexity: O(`count`).
    @_lifetime(copy self)
    public func filter<Failure: Error>(
        _ isIncluded: (Element) throws(Failure) -> Bool
    ) throws(Failure) -> RegionArray<Element> {
        var result = RegionArray<Element>(in: region)
        for index in 0..<elements.count {
            let element = elements[index]
            if try isIncluded(element) { result.append(element) }
        }
        return result
    }

    /// Calls `body` on each element, in order.
    ///
    /// - Throws: Whatever `body` throws; the elements after it are not visited.
    /// - Complexity: O(`count`).
    public func forEach<Failure: Error>(_ body: (Element) throws(Failure) -> Void) throws(Failure) {
        for index in 0..<elements.count {
            try body(elements[index])
        }
    }

    /// Combines the elements, in order, starting from `initialResult`.
    ///
    /// - Throws: Whatever `nextPartialResult` throws.
    /// - Complexity: O(`count`).
    public func reduce<Result, Failure: Error>(
        _ initialResult: Result,
        _ nextPartialResult: (Result, Element) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var result = initialResult
        for index in 0..<elements.count {
            result = try nextPartialResult(result, elements[index])
        }
        return result
    }

    /// Combines the elements, in order, into a mutable accumulator.
    ///
    /// - Throws: Whatever `updateAccumulatingResult` throws.
    /// - Complexity: O(`count`).
    public func reduce<Result, Failure: Error>(
        into initialResult: Result,
        _ updateAccumulatingResult: (inout Result, Element) throws(Failure) -> Void
    ) throws(Failure) -> Result {
        var result = initialResult
        for index in 0..<elements.count {
            try updateAccumulatingResult(&result, elements[index])
        }
        return result
    }
}

extension RegionArray where Element: Equatable {
    /// Whether the array holds exactly `other`'s elements, in order.
    ///
    /// - Complexity: O(`count`).
    public func elementsEqual(_ other: some Sequence<Element>) -> Bool {
        withUnsafeBufferPointer { $0.elementsEqual(other) }
    }
}
