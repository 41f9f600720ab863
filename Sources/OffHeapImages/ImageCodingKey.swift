/// A key made at run time: `super` for `superEncoder()` and `superDecoder()`, and the indices in
/// coding paths inside arrays (whose string form is made only when asked for).
struct ImageCodingKey: CodingKey {
    private let name: String?
    let intValue: Int?

    init(stringValue: String) {
        self.name = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.name = nil
        self.intValue = intValue
    }

    var stringValue: String { name ?? String(intValue ?? 0) }

    static let superKey = ImageCodingKey(stringValue: "super")
}
