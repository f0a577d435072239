import Foundation
import SkiffAccess
import SkiffRouterAPI
import Testing

/// The grant decisions, as pure functions: no sockets, no files.
@Suite struct GrantBookTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let config = GrantServerConfig(host: "127.0.0.1", port: 8081, publicHost: "west.example", grants: [
        .init(name: "east-link", redemptionsAllowed: 2, expirationWindow: 900),
        .init(name: "fixed", code: "from-git"),
    ], linkEndpoints: [])

    func armed() -> GrantBook {
        var book = GrantBook()
        book.arm(config, caSerial: "ca1", now: start)
        return book
    }

    @Test func armingGeneratesLongDistinctCodesAndKeepsGitOnes() {
        let book = armed()
        let generated = book.grants["east-link"]!.code
        #expect(Data(base64Encoded: generated.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))!.count * 8 >= 128)
        #expect(generated != armed().grants["east-link"]!.code)
        #expect(book.grants["fixed"]!.code == "from-git")
        #expect(book.grants["east-link"]!.url == "https://west.example:8081/grants/east-link")
        #expect(book.grants["east-link"]!.expiresAt == start.addingTimeInterval(900))
    }

    @Test func unchangedGrantsKeepCodeCountAndExpiry() {
        var book = armed()
        book.recordRedemption(name: "east-link", by: "east")
        let before = book
        let changed = book.arm(config, caSerial: "ca1", now: start.addingTimeInterval(100))
        #expect(!changed)
        #expect(book == before)
    }

    @Test func changedOrRevokedGrantsStartAfresh() {
        var book = armed()
        book.recordRedemption(name: "east-link", by: "east")
        var changed = config
        changed.grants[0].redemptionsAllowed = 3
        let rearmed = book.arm(changed, caSerial: "ca1", now: start)
        #expect(rearmed)
        #expect(book.grants["east-link"]!.redemptions == 0)
        let code = book.grants["east-link"]!.code
        let revoked = book.arm(changed, caSerial: "ca2", now: start)
        #expect(revoked)
        #expect(book.grants["east-link"]!.code != code)
        changed.grants.removeLast()
        book.arm(changed, caSerial: "ca2", now: start)
        #expect(book.grants["fixed"] == nil)
    }

    @Test func eachRefusalHasItsReason() {
        var book = armed()
        let code = book.grants["east-link"]!.code
        #expect(book.check(name: "nope", code: code, caSerial: "ca1", now: start) == .failure(.unknownGrant))
        #expect(book.check(name: "east-link", code: code + "x", caSerial: "ca1", now: start) == .failure(.wrongCode))
        #expect(book.check(name: "east-link", code: code, caSerial: "ca2", now: start) == .failure(.revoked))
        #expect(book.check(name: "east-link", code: code, caSerial: "ca1", now: start.addingTimeInterval(900)) == .failure(.expired))
        #expect((try? book.check(name: "east-link", code: code, caSerial: "ca1", now: start).get()) != nil)
        book.recordRedemption(name: "east-link", by: "east")
        book.recordRedemption(name: "east-link", by: "north")
        #expect(book.check(name: "east-link", code: code, caSerial: "ca1", now: start) == .failure(.usedUp))
        // A wrong code learns nothing about the grant's state.
        #expect(book.check(name: "east-link", code: "guess", caSerial: "ca1", now: start) == .failure(.wrongCode))
        #expect(Set(RedemptionRefusal.allCases.map(\.explanation)).count == RedemptionRefusal.allCases.count)
    }

    @Test func rateLimiterCountsFailuresPerAddressOverAMinute() {
        var limiter = FailureRateLimiter(limit: 3)
        for second in 0..<3 {
            let allowed = limiter.allows("10.0.0.1", now: start.addingTimeInterval(Double(second)))
            #expect(allowed)
            limiter.recordFailure("10.0.0.1", now: start.addingTimeInterval(Double(second)))
        }
        let blocked = !limiter.allows("10.0.0.1", now: start.addingTimeInterval(10))
        let other = limiter.allows("10.0.0.2", now: start.addingTimeInterval(10))
        let later = limiter.allows("10.0.0.1", now: start.addingTimeInterval(61))
        #expect(blocked && other && later)
    }

    @Test func ledgerRedeemsEachTokenOnce() {
        var ledger = TokenLedger()
        #expect(ledger.needsRedemption(name: "to-west", url: "https://w/grants/a", code: "c"))
        ledger.tokens["to-west"] = .init(name: "to-west", token: TokenLedger.digest(url: "https://w/grants/a", code: "c"), outcome: .redeemed, at: start)
        #expect(!ledger.needsRedemption(name: "to-west", url: "https://w/grants/a", code: "c"))
        #expect(ledger.needsRedemption(name: "to-west", url: "https://w/grants/a", code: "other"))
        ledger.tokens["to-west"]!.outcome = .refused
        #expect(!ledger.needsRedemption(name: "to-west", url: "https://w/grants/a", code: "c"))
        ledger.tokens["to-west"]!.outcome = .failed
        #expect(ledger.needsRedemption(name: "to-west", url: "https://w/grants/a", code: "c"))
    }
}
