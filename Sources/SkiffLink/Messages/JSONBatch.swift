#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The payload of a flooded frame (LINK_STATE, SUMMARY): one message (a JSON object, as the first
/// protocol version sent) or several (a JSON array). Messages that leave a router together — those
/// a new peer is synchronised with, those flooded on in one read — travel as one frame, so flooding
/// grows with links × changes, not with links × routers.
package enum JSONBatch {
    /// Largest payload a batch is cut to (or the link's negotiated frame limit, when smaller): small
    /// enough not to hold up a link's data for long.
    package static let maxPayload = 64 << 10

    /// The messages in `payload` (an object or an array of them); nil when it is neither.
    package static func decode<Message: Decodable, Bytes: Collection<UInt8>>(_ type: Message.Type, _ payload: Bytes) -> [Message]? {
        let decoder = JSONDecoder()
        let data = Data(payload)
        guard let first = data.first(where: { !Self.isSpace($0) }) else { return nil }
        if first == UInt8(ascii: "[") { return try? decoder.decode([Message].self, from: data) }
        return (try? decoder.decode(Message.self, from: data)).map { [$0] }
    }

    /// `messages` as few payloads as fit `limit` bytes each: an array each, or a lone object for a
    /// message alone (what a peer of the first version reads). A message too big for `limit` goes
    /// alone; the frame limit, not this, is what a peer enforces.
    package static func encode(_ messages: [some Encodable], limit: Int = maxPayload) -> [Data] {
        let encoder = JSONEncoder()
        let encoded = messages.compactMap { try? encoder.encode($0) }
        var payloads: [Data] = []
        var batch: [Data] = []
        var size = 2
        func close() {
            guard !batch.isEmpty else { return }
            payloads.append(batch.count == 1 ? batch[0] : Data("[".utf8) + batch.joined(separator: Data(",".utf8)) + Data("]".utf8))
            batch = []
            size = 2
        }
        for message in encoded {
            if !batch.isEmpty, size + 1 + message.count > limit { close() }
            batch.append(message)
            size += message.count + 1
        }
        close()
        return payloads
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// LINK_STATE payloads: `JSONBatch` of link-state adverts.
package enum LinkStateBatch {
    package static let maxPayload = JSONBatch.maxPayload

    package static func decode<Bytes: Collection<UInt8>>(_ payload: Bytes) -> [LinkStateAdvert]? {
        JSONBatch.decode(LinkStateAdvert.self, payload)
    }

    package static func encode(_ adverts: [LinkStateAdvert], limit: Int = maxPayload) -> [Data] {
        JSONBatch.encode(adverts, limit: limit)
    }
}
