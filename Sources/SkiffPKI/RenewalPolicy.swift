import Foundation

/// When a certificate is due for renewal: in the last third of its life, and at least 30 days
/// before expiry — but never in the first half of its life, so a short-lived certificate is not
/// renewed again the moment it is issued.
public enum RenewalPolicy {
    public static let minimumWindow: TimeInterval = 30 * 86400

    /// Seconds before `notAfter` at which renewal starts.
    public static func window(notBefore: Date, notAfter: Date) -> TimeInterval {
        let lifetime = notAfter.timeIntervalSince(notBefore)
        return max(lifetime / 3, min(minimumWindow, lifetime / 2))
    }

    public static func isDue(notBefore: Date, notAfter: Date, now: Date) -> Bool {
        notAfter.timeIntervalSince(now) <= window(notBefore: notBefore, notAfter: notAfter)
    }
}
