import Foundation

extension NetworkView {
    /// The view as `skiff network status` prints it: sites, links, then services with where their
    /// listeners and connectors are.
    public func renderText() -> String {
        var lines: [String] = []
        let up = links.filter { $0.state == "up" }.count
        lines.append("Network seen from \(site): \(sites.count) sites, \(up) of \(links.count) links up, \(services.count) services")
        lines.append("")
        lines.append("Sites")
        lines += Self.table([["NAME", "KIND", "STATE", "LINKS UP", "LISTENERS", "CONNECTORS", "OPEN FLOWS", "APPLIED", "RESULT", "VERSION"]]
            + sites.map { site in
                [site.name + (site.local ? " (here)" : ""), site.edge ? "edge" : "interior", site.reachable ? "reachable" : "unreachable",
                 "\(site.linksUp)/\(site.links)", "\(site.listeners)", "\(site.connectors)", "\(site.openFlows)",
                 site.gitops?.appliedCommit.map { String($0.prefix(12)) } ?? "-", site.gitops?.lastResult ?? "-", site.version ?? "-"]
            })
        for site in sites {
            if let error = site.gitops?.lastError { lines.append("  \(site.name): \(error)") }
        }
        lines.append("")
        lines.append("Links")
        if links.isEmpty {
            lines.append("  none")
        } else {
            lines += Self.table([["FROM", "TO", "NAME", "STATE", "COST", "RTT", "RATE →", "RATE ←", "BYTES →", "BYTES ←"]]
                + links.map { link in
                    [link.from, link.to, link.name ?? "-", link.state, "\(link.cost)",
                     link.rttMilliseconds.map { String(format: "%.2f ms", $0) } ?? "-", Self.rate(link.rateForward), Self.rate(link.rateBack),
                     Self.bytes(link.bytesForward), Self.bytes(link.bytesBack)]
                })
        }
        lines.append("")
        lines.append("Services")
        if services.isEmpty { lines.append("  none") }
        for service in services {
            lines.append("  \(service.routingKey): \(service.reachable ? "reachable" : "not reachable"), \(service.openFlows) open flows, \(Self.rate(service.rate))")
            lines += Self.table(
                service.listeners.map { ["listener", $0.site, $0.name, $0.address, $0.ready ? "bound" : "not bound", "\($0.openFlows) open",
                                         "\($0.totalFlows) flows", Self.bytes($0.bytesIn) + " in", Self.bytes($0.bytesOut) + " out"] }
                + service.connectors.map { ["connector", $0.site, $0.name, $0.address, $0.ready ? "answers" : "does not answer",
                                            "\($0.openFlows) open", "\($0.totalFlows) flows", Self.bytes($0.bytesIn) + " in",
                                            Self.bytes($0.bytesOut) + " out"] },
                indent: "    ")
        }
        return lines.joined(separator: "\n")
    }

    static func table(_ rows: [[String]], indent: String = "  ") -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        let widths = (0..<width).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            indent + row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// Bytes per second, in the unit that keeps three digits.
    static func rate(_ value: Double) -> String { bytes(value) + "/s" }

    static func bytes(_ value: some BinaryInteger) -> String { bytes(Double(value)) }

    static func bytes(_ value: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = value
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
    }
}
