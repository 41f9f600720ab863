import ShardedHeap

/// One record of the mapped data set.
struct Record: Codable, Sendable {
    var name: String
    var age: Int
    var score: Int
}

extension Record {
    /// The `index`th record of the generated data set (the same on every run).
    static func generated(_ index: Int) -> Record {
        var state = UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        func next() -> UInt64 {
            state ^= state >> 33
            state &*= 0xFF51_AFD7_ED55_8CCD
            state ^= state >> 29
            return state
        }
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let length = 3 + Int(next() % 12)
        let name = String(decoding: (0..<length).map { _ in letters[Int(next() % 26)] }, as: UTF8.self)
        return Record(name: name, age: 18 + Int(next() % 70), score: Int(next() % 100_000))
    }
}
