import Foundation
import ShardedHeap
import ShardedHeapTestSupport

@testable import OffHeapImages

/// Types the image tests copy, map and corrupt.
struct Person: Codable, Equatable, Sendable {
    var name: String
    var age: Int
    var height: Int
}

indirect enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rectangle(width: Int, height: Int)
    case labelled(String, Shape?)
    case empty
}

struct Town: Codable, Equatable {
    var name: String
    var people: [Person]
    var ages: [Int]
    var weights: [Double]
    var bytes: [UInt8]
    var mayor: Person?
    var deputy: Person?
    var districts: [String: [String]]
    var codes: [Int: String]
    var shapes: [Shape]
    var flags: [Bool]
    var mixed: [Int?]
    var nested: [[Int]]
    var empty: [String]
    var emptyMap: [String: Int]
    var small: Int8
    var unsigned: UInt64
    var ratio: Float

    static let sample = Town(
        name: "Zürich — 東京 🏔️",
        people: [Person(name: "Ada", age: 36, height: 165), Person(name: "Ünal Çelik", age: -4, height: 0)],
        ages: [1, -2, 300, Int.max, Int.min],
        weights: [1.5, -0.25, .infinity],
        bytes: [0, 1, 255],
        mayor: Person(name: "Grace", age: 85, height: 160),
        deputy: nil,
        districts: ["Altstadt": ["Lindenhof", "Rathaus"], "Kreis 4": []],
        codes: [8001: "Zürich", -1: "nowhere"],
        shapes: [
            .circle(radius: 2), .rectangle(width: 3, height: 4), .labelled("ring", .circle(radius: 1)),
            .labelled("none", nil), .empty,
        ],
        flags: [true, false, true],
        mixed: [1, nil, 3],
        nested: [[1, 2], [], [3]],
        empty: [],
        emptyMap: [:],
        small: -128,
        unsigned: .max,
        ratio: 0.5
    )
}

/// A class hierarchy that encodes its superclass through `superEncoder()`.
class Animal: Codable {
    var legs: Int
    init(legs: Int) { self.legs = legs }
}

final class Dog: Animal, Equatable {
    var name: String
    init(name: String, legs: Int) {
        self.name = name
        super.init(legs: legs)
    }
    enum CodingKeys: String, CodingKey { case name }
    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        try super.init(from: container.superDecoder())
    }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try super.encode(to: container.superEncoder())
    }
    static func == (left: Dog, right: Dog) -> Bool { left.name == right.name && left.legs == right.legs }
}

/// A list as deep as it is long.
indirect enum Chain: Codable, Equatable {
    case link(Int, Chain)
    case end

    static func of(length: Int) -> Chain {
        var chain = Chain.end
        for index in 0..<length { chain = .link(index, chain) }
        return chain
    }
}

/// A fresh path in the temporary directory, unique to this process and call.
func temporaryImagePath(_ name: String) -> String {
    "\(NSTemporaryDirectory())/shardedheap-image-\(getpid())-\(UUID().uuidString)-\(name)"
}

/// Makes `count` people deterministically.
func makePeople(_ count: Int) -> [Person] {
    (0..<count).map { Person(name: "Person \($0)", age: $0 % 100, height: 150 + $0 % 50) }
}
