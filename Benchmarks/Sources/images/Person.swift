import BenchmarkSupport

/// The record of issue 6's goals: a name of mixed length and two numbers.
struct Person: Codable, Equatable, Sendable {
    var name: String
    var age: Int
    var height: Int

    /// Name parts: ASCII syllables, and a few with non-ASCII letters (2- and 3-byte UTF-8).
    private static let syllables = [
        "an", "bel", "car", "do", "el", "fer", "ga", "hil", "is", "jo", "ka", "lin", "ma", "no", "or",
        "pe", "qui", "ros", "sa", "ta", "ul", "vi", "wen", "xa", "yo", "zu",
    ]
    private static let accented = ["é", "ü", "ñ", "ø", "Ł", "ç", "東", "京", "ß", "å"]

    /// `count` people made from a fixed seed: the same array on every run and machine.
    ///
    /// Names have 1 to 3 parts of 1 to 6 syllables each (2 to about 40 bytes, so both small
    /// inline strings and heap strings occur); about one name in eight has a non-ASCII letter.
    static func make(count: Int, seed: UInt64 = 0x5EED_0006) -> [Person] {
        var random = SplitMix64(seed: seed)
        var people: [Person] = []
        people.reserveCapacity(count)
        for _ in 0..<count {
            var name = ""
            let parts = 1 + random.below(3)
            for part in 0..<parts {
                if part > 0 { name += " " }
                for syllable in 0..<(1 + random.below(6)) {
                    var text = syllables[random.below(syllables.count)]
                    if syllable == 0 { text = text.prefix(1).uppercased() + text.dropFirst() }
                    name += text
                }
                if random.below(8) == 0 { name += accented[random.below(accented.count)] }
            }
            people.append(Person(name: name, age: random.below(100), height: 140 + random.below(70)))
        }
        return people
    }
}
