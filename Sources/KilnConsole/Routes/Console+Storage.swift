import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The snapshots and volumes page, the Auto Scaling page, and the static assets.
extension Console {
    func registerStorage(on router: Router<BasicRequestContext>) {
        router.get("/console/storage") { request, _ in
            await page(request) { session, query in try await storagePage(session, query) }
        }
        router.get("/console/autoscaling") { request, _ in
            await page(request) { session, _ in try await autoScalingPage(session) }
        }
    }

    func registerAssets(on router: Router<BasicRequestContext>) {
        router.get("/console/assets/console.css") { _, _ in
            Self.asset(Assets.css, type: "text/css; charset=utf-8")
        }
        router.get("/console/assets/console.js") { _, _ in
            Self.asset(Assets.script, type: "text/javascript; charset=utf-8")
        }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
