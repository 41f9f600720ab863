extension UniqueBuffer {
    /// Appends a copy of `bytes`, growing the block when it is full.
    ///
    /// - Complexity: Amortised O(`bytes.byteCount`).
    /// - Precondition: Running out of memory is a fatal error.
    public mutating func append(_ bytes: RawSpan) {
        let added = bytes.byteCount
        guard added > 0 else { return }
        reserveCapacity(forAppending: added)
        bytes.withUnsafeBytes { source in
            // Safe: room for `added` bytes past `count` was made; the source is a live span,
            // which cannot be this buffer's own memory while `self` is borrowed mutably.
            (block.pointer + count).copyMemory(from: source.baseAddress.unsafelyUnwrapped, byteCount: added)
        }
        count += added
    }

    /// Appends `count` copies of `byte`.
    ///
    /// - Precondition: `count >= 0`. Running out of memory is a fatal error.
    /// - Complexity: Amortised O(`count`).
    public mutating func append(repeating byte: UInt8, count added: Int) {
        require(added >= 0, "UniqueBuffer.append(repeating:count:): count must not be negative (got \(added))")
        guard added > 0 else { return }
        reserveCapacity(forAppending: added)
        // Safe: room for `added` bytes past `count` was made.
        (block.pointer + count).initializeMemory(as: UInt8.self, repeating: byte, count: added)
        count += added
    }

    /// Appends bytes that `body` writes into an `OutputRawSpan` over the free capacity (grown
    /// first to `maximumByteCount` free bytes, when given).
    ///
    /// - Parameters:
    ///   - maximumByteCount: The free bytes to make room for first; nil to use what is free now.
    ///   - body: Appends bytes to the output span.
    /// - Returns: What `body` returns.
    /// - Throws: Whatever `body` throws; the bytes it appended before throwing stay appended.
    /// - Precondition: `maximumByteCount`, when given, is not negative. Running out of memory is a
    ///   fatal error.
    public mutating func append<Result: ~Copyable, Failure: Error>(
        maximumByteCount: Int? = nil,
        initializingWith body: (inout OutputRawSpan) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if let maximumByteCount {
            require(
                maximumByteCount >= 0,
                "UniqueBuffer.append(maximumByteCount:initializingWith:): maximumByteCount must not be negative (got \(maximumByteCount))"
            )
            reserveCapacity(forAppending: maximumByteCount)
        }
        let free = UnsafeMutableRawBufferPointer(start: block.pointer + count, count: capacity - count)
        // Safe: the output span covers only the free capacity, none of it initialised; it cannot
        // escape `body`, and `finalize` tells how many bytes it initialised from the start.
        var output = OutputRawSpan(buffer: free, initializedCount: 0)
        let result: Result
        do {
            result = try body(&output)
        } catch {
            count += output.finalize(for: free)
            throw error
        }
        count += output.finalize(for: free)
        return result
    }

    /// Makes room for at least `minimumCapacity` bytes in all, keeping the initialised bytes.
    ///
    /// - Complexity: O(``count``) when the block moves, O(1) otherwise.
    /// - Precondition: `minimumCapacity >= 0`. Running out of memory is a fatal error.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        require(
            minimumCapacity >= 0,
            "UniqueBuffer.reserveCapacity: minimumCapacity must not be negative (got \(minimumCapacity))"
        )
        guard minimumCapacity > capacity else { return }
        moveBlock(toCapacity: minimumCapacity, caller: "UniqueBuffer.reserveCapacity")
    }

    /// Changes ``count`` to `newCount`: growth is filled with zero bytes, shrinking drops the
    /// bytes past `newCount`. A block left less than half used moves to a smaller one.
    ///
    /// - Precondition: `newCount >= 0`. Running out of memory is a fatal error.
    /// - Complexity: O(`newCount`) when the block moves or grows, O(1) otherwise.
    public mutating func resize(to newCount: Int) {
        Block.checkRequest(byteCount: newCount, alignment: alignment, caller: "UniqueBuffer.resize(to:)")
        if newCount > capacity || newCount < capacity / 2 {
            count = Swift.min(count, newCount)
            moveBlock(toCapacity: newCount, caller: "UniqueBuffer.resize(to:)")
        }
        if newCount > count {
            zeroFill(to: newCount)
        } else {
            count = newCount
        }
    }

    /// Grows geometrically so that `added` more bytes fit.
    mutating func reserveCapacity(forAppending added: Int) {
        let (needed, overflow) = count.addingReportingOverflow(added)
        require(!overflow, "UniqueBuffer: \(count) + \(added) bytes overflow")
        guard needed > capacity else { return }
        moveBlock(toCapacity: Swift.max(needed, capacity &* 2), caller: "UniqueBuffer.append")
    }

    /// Moves the initialised bytes to a block of at least `newCapacity` bytes (no smaller than
    /// ``count``).
    mutating func moveBlock(toCapacity newCapacity: Int, caller: StaticString) {
        Block.checkRequest(byteCount: newCapacity, alignment: alignment, caller: caller)
        guard block.resize(from: count, to: newCapacity) else {
            Block.failAllocation(byteCount: newCapacity, alignment: alignment, groupID: nil)
        }
    }

    /// Sets the bytes from ``count`` up to `newCount` (which fits the capacity) to zero.
    @usableFromInline
    mutating func zeroFill(to newCount: Int) {
        // Safe: `count <= newCount <= capacity`; these bytes belong to the block.
        (block.pointer + count).initializeMemory(as: UInt8.self, repeating: 0, count: newCount - count)
        count = newCount
    }
}
