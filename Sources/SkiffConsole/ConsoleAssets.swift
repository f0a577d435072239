/// The console's page and assets, embedded in the binary at build time (SwiftPM's
/// `embedInCode`): it works offline, with no CDN and nothing fetched from the internet.
enum ConsoleAssets {
    struct Asset {
        var contentType: String
        var bytes: [UInt8]
    }

    static func asset(at path: String) -> Asset? {
        switch path {
        case "/", "/index.html": Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html)
        case "/assets/console.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.console_js)
        case "/assets/console.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.console_css)
        case "/assets/chart.min.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.chart_min_js)
        case "/assets/chart.js.LICENSE": Asset(contentType: "text/plain; charset=utf-8", bytes: PackageResources.chart_js_LICENSE)
        default: nil
        }
    }
}
