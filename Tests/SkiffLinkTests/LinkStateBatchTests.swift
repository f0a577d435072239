import Foundation
@testable import SkiffLink
import Testing

/// LINK_STATE payloads: one advert as an object (what the first version sent), several as an array
/// cut to the frame limit.
@Suite("Link-state batches")
struct LinkStateBatchTests {
    static func advert(_ origin: String, neighbours: Int = 3) -> LinkStateAdvert {
        LinkStateAdvert(origin: origin, sequence: 7, neighbours: (0..<neighbours).map { .init(site: "n\($0)", cost: 1 + $0) }, keys: ["k-" + origin])
    }

    @Test("one advert goes as a lone object, which the first protocol version reads")
    func lone() throws {
        let payloads = LinkStateBatch.encode([Self.advert("east")])
        #expect(payloads.count == 1)
        #expect(try JSONDecoder().decode(LinkStateAdvert.self, from: payloads[0]) == Self.advert("east"))
        #expect(LinkStateBatch.decode(Array(payloads[0])) == [Self.advert("east")])
    }

    @Test("many adverts go as arrays, each payload within the limit, every advert once and in order")
    func split() throws {
        let adverts = (0..<200).map { Self.advert(String(format: "s%03d", $0), neighbours: 4) }
        let limit = 4 << 10
        let payloads = LinkStateBatch.encode(adverts, limit: limit)
        #expect(payloads.count > 1 && payloads.count < 20, "\(payloads.count) payloads")
        #expect(payloads.allSatisfy { $0.count <= limit })
        #expect(payloads.flatMap { LinkStateBatch.decode(Array($0)) ?? [] } == adverts)
        #expect(LinkStateBatch.encode(adverts).count == 1, "64 KiB holds 200 such adverts")
    }

    @Test("an advert larger than the limit goes alone rather than not at all")
    func oversized() {
        let big = Self.advert("big", neighbours: 200)
        let payloads = LinkStateBatch.encode([Self.advert("a"), big, Self.advert("b")], limit: 1 << 10)
        #expect(payloads.count == 3)
        #expect(payloads.flatMap { LinkStateBatch.decode(Array($0)) ?? [] }.map(\.origin) == ["a", "big", "b"])
    }

    @Test("what is neither an advert nor an array of adverts is unreadable", arguments: [
        "", "   ", "[", "42", "\"east\"", "[1, 2]", #"{"origin":"east"}"#, #"[{"origin":"east","sequence":1,"neighbours":[],"keys":[]}, {}]"#,
    ])
    func unreadable(text: String) {
        #expect(LinkStateBatch.decode(Array(text.utf8)) == nil)
    }

    @Test("an empty array is an empty batch")
    func empty() {
        #expect(LinkStateBatch.decode(Array("[]".utf8)) == [])
        #expect(LinkStateBatch.encode([]).isEmpty)
    }
}
