/// The key `super`, under which `superEncoder()` and `superDecoder()` store a superclass's value,
/// and integer keys for coding paths inside arrays.
struct ImageCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    static let superKey = ImageCodingKey(stringValue: "super")
}
