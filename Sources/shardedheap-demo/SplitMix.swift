/// A small deterministic generator (SplitMix64), so that every run does the same work and a
/// request's bytes can be recomputed from its number alone.
struct SplitMix {
    /// The generator's state; each ``next()`` advances it.
    var state: UInt64

    /// A generator whose sequence is determined by `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences.
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

    /// The next 64 pseudo-random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
