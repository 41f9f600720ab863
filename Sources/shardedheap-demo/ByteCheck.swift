/// Compares bytes in memory with the bytes a request's input says they must hold, recomputed
/// from the request number (``RequestInput``), not read from another buffer.
enum ByteCheck {
    /// The outcome of one comparison.
    struct Outcome {
        /// Bytes compared.
        var checked = 0
        /// Bytes that differed.
        var mismatched = 0
    }

    /// Compares a request's body with its recomputed bytes.
    ///
    /// - Parameters:
    ///   - bytes: The body as the demo holds it.
    ///   - input: The request whose body it should be.
    /// - Returns: Every byte of the expected body counted as checked (a short span counts its
    ///   missing bytes as mismatched).
    static func body(_ bytes: RawSpan, of input: RequestInput) -> Outcome {
        compare(bytes, count: input.bodySize, words: input.bodyWords(), mask: 0)
    }

    /// Compares a request's response with the transform applied to the recomputed body.
    ///
    /// - Parameters:
    ///   - bytes: The response as the demo holds it.
    ///   - input: The request whose response it should be.
    /// - Returns: Every byte of the expected response counted as checked.
    static func response(_ bytes: RawSpan, of input: RequestInput) -> Outcome {
        // The transform is byte-wise, so a word of the body maps to the word of the transformed
        // bytes; the mask is found by applying the transform to zero bytes (x ^ m = x ^ (0 ^ m)).
        let mask = UInt64(RequestInput.transform(0)) &* 0x0101_0101_0101_0101
        return compare(bytes, count: input.responseSize, words: input.bodyWords(), mask: mask)
    }

    /// Compares the first `count` bytes of `bytes` with the little-endian bytes of `words`'
    /// successive values XORed with `mask`, eight at a time.
    private static func compare(_ bytes: RawSpan, count: Int, words: SplitMix, mask: UInt64) -> Outcome {
        var generator = words
        var outcome = Outcome()
        let available = min(count, bytes.byteCount)
        var offset = 0
        while offset < count {
            let expected = generator.next() ^ mask
            let length = min(8, count - offset)
            if length == 8 && offset + 8 <= available {
                // Safe: offset + 8 <= available <= bytes.byteCount, and UInt8 patterns are valid UInt64s.
                let actual = UInt64(littleEndian: bytes.unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let difference = actual ^ expected
                if difference != 0 { outcome.mismatched += nonzeroBytes(difference) }
            } else {
                for index in 0..<length {
                    let want = UInt8(truncatingIfNeeded: expected >> (8 * UInt64(index)))
                    // Safe: the load runs only when offset + index < available <= bytes.byteCount.
                    if offset + index >= available
                        || bytes.unsafeLoad(fromByteOffset: offset + index, as: UInt8.self) != want
                    {
                        outcome.mismatched += 1
                    }
                }
            }
            outcome.checked += length
            offset += length
        }
        return outcome
    }

    /// The number of bytes of `word` that are not zero.
    private static func nonzeroBytes(_ word: UInt64) -> Int {
        var count = 0
        for index in 0..<8 where (word >> (8 * UInt64(index))) & 0xFF != 0 { count += 1 }
        return count
    }
}
