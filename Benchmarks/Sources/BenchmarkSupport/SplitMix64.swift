/// SplitMix64: a small seeded generator, so every run of a benchmark builds the same inputs
/// (the compare runner's sizes and indices, the images runner's records and lookups).
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in `0..<bound` (the tiny modulo bias does not matter here).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
