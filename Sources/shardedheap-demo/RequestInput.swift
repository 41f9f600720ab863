/// The input of one simulated request and the transform that turns it into a response, both
/// determined by the request's number alone.
///
/// The body is `bodySize` bytes: the little-endian bytes of successive ``SplitMix`` words (the
/// last word cut short). The response is the first ``responseSize`` body bytes, each XORed with
/// ``responseMask``. Because both follow from `number`, a checker can recompute the expected
/// bytes without reading the body buffer, which may be gone (or damaged) by then.
struct RequestInput {
    /// The byte every response byte is XORed with.
    static let responseMask: UInt8 = 0x5A

    /// The request's number, `0..<requests`; it seeds the generator.
    let number: Int
    /// Bytes in the request body, 512 to 16,895.
    let bodySize: Int
    /// The generator after drawing the body size: its words are the body.
    private let bodyStart: SplitMix

    /// The input of request `number`.
    ///
    /// - Parameter number: The request's number.
    init(number: Int) {
        var generator = SplitMix(seed: UInt64(number))
        self.number = number
        self.bodySize = 512 + Int(generator.next() % 16_384)
        self.bodyStart = generator
    }

    /// Bytes in the response: half the body plus 64, never more than the body (it is at least 512).
    var responseSize: Int { bodySize / 2 + 64 }

    /// A generator positioned at the body's first word: word `i` holds body bytes `8i..<8i+8`.
    func bodyWords() -> SplitMix { bodyStart }

    /// The transform the demo applies to each body byte to make the response.
    ///
    /// - Parameter bodyByte: A byte of the body.
    /// - Returns: The response byte at the same offset.
    static func transform(_ bodyByte: UInt8) -> UInt8 { bodyByte ^ responseMask }
}
