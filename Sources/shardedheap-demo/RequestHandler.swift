import ShardedHeap

/// The work of one simulated request, run in a shard scope.
struct RequestHandler: Sendable {
    /// The request whose response gets one byte flipped after the transform, or nil; see
    /// ``DemoOptions/corruptRequest``.
    let corruptRequest: Int?
    /// The group the requests allocate from, recorded in each hand-off.
    let heap: ShardGroup

    /// Runs request `number`: fills a body, builds the response from it, checks the body against
    /// its recomputed bytes, and either checks the response here or hands it to the sender.
    ///
    /// One request in four (`number % 4 == 0`) is handed on; one in eight awaits
    /// `Task.yield()` between filling and transforming, so the task may hop threads (the
    /// allocator re-checks the thread at every call).
    ///
    /// - Parameters:
    ///   - number: The request's number.
    ///   - alloc: The shard scope's allocator.
    /// - Returns: The request's tally and the response to send, if any.
    func handle(request number: Int, alloc: ShardAllocator) async -> RequestOutcome {
        let input = RequestInput(number: number)
        var tally = CheckTally()

        var body = alloc.makeUniqueBuffer(capacity: input.bodySize)
        body.append(maximumByteCount: input.bodySize) { output in
            var words = input.bodyWords()
            var remaining = input.bodySize
            while remaining > 0 {
                let word = words.next()
                if remaining >= 8 {
                    output.append(word.littleEndian, as: UInt64.self)
                    remaining -= 8
                } else {
                    for index in 0..<remaining { output.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(index)))) }
                    remaining = 0
                }
            }
        }
        tally.buffersMade += 1
        tally.bytesWritten += body.count

        if number % 8 == 0 { await Task.yield() }

        // Build the response uniquely (one byte at a time through the transform), then share it.
        var building = alloc.makeUniqueBuffer(capacity: input.responseSize)
        building.append(maximumByteCount: input.responseSize) { output in
            let source = body.bytes
            for offset in 0..<input.responseSize {
                // Safe: offset < responseSize <= bodySize == source.byteCount (the body is fully initialised).
                output.append(RequestInput.transform(source.unsafeLoad(fromByteOffset: offset, as: UInt8.self)))
            }
        }
        tally.buffersMade += 1
        tally.bytesWritten += building.count
        if number == corruptRequest {
            // The testing knob: damage one byte after the transform, so the check must fail.
            let offset = input.responseSize / 2
            // Safe: offset < responseSize == building.count.
            let byte = building.bytes.unsafeLoad(fromByteOffset: offset, as: UInt8.self)
            var bytes = building.mutableBytes
            bytes.storeBytes(of: byte ^ 0x01, toByteOffset: offset, as: UInt8.self)
        }
        let response = OwnedBuffer(building)

        // The body is checked after the await and the transform, against bytes recomputed from
        // the request number, so damage at any point since the fill shows.
        let bodyCheck = ByteCheck.body(body.bytes, of: input)
        tally.bytesChecked += bodyCheck.checked
        tally.mismatchedBytes += bodyCheck.mismatched
        if bodyCheck.mismatched > 0 { tally.failedBuffers += 1 }

        if number % 4 == 0 {
            return RequestOutcome(tally: tally, outgoing: Outgoing(buffer: response, requestNumber: number, heap: heap))
        }
        let responseCheck = ByteCheck.response(response.bytes, of: input)
        tally.bytesChecked += responseCheck.checked
        tally.mismatchedBytes += responseCheck.mismatched
        if responseCheck.mismatched > 0 { tally.failedBuffers += 1 }
        return RequestOutcome(tally: tally, outgoing: nil)
    }
}
