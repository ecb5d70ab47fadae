import Foundation
import Hummingbird
import KilnCore
import Logging

/// The web console at `/console`: pages for images, snapshots, instances and Auto Scaling
/// groups, and forms for the AMI actions people do by hand.
///
/// Every read and every action calls the same ``Cloud`` services the API fronts call, with
/// the signed-in account as the caller, so what a user sees and may do, and the errors they
/// get, are the API's.
///
/// | route | what it is |
/// | --- | --- |
/// | `GET /console/signin`, `POST /console/signin`, `POST /console/signout` | the session |
/// | `POST /console/region` | the region the pages look at |
/// | `GET /console/images`, `GET /console/images/{id}` | images, and one image |
/// | `POST /console/images/{id}/{action}` | launch, copy, share, deprecate, disable, enable, protect, deregister |
/// | `GET /console/instances`, `GET /console/instances/{id}` | instances, and one with its console output |
/// | `GET /console/instances/{id}/status` | an instance's state and console output, as JSON, for live updates |
/// | `POST /console/instances/{id}/{action}` | stop, start, terminate, create an image |
/// | `GET /console/storage` | snapshots and volumes, with charts of storage and cost |
/// | `GET /console/autoscaling` | Auto Scaling groups |
/// | `GET /console/assets/{file}` | the style sheet and the script |
package struct Console: Sendable {
    let cloud: Cloud
    let signIn: ConsoleSignIn
    /// What sharing an image checks first, as `kiln serve --hygiene-check` says.
    let hygieneCheck: HygieneCheck
    let sessions: SessionTable
    let pages: PageRenderer
    let logger: Logger

    /// A console over `cloud`.
    package init(cloud: Cloud, signIn: ConsoleSignIn, hygieneCheck: HygieneCheck = .off, logger: Logger) {
        self.cloud = cloud
        self.signIn = signIn
        self.hygieneCheck = hygieneCheck
        self.sessions = SessionTable(store: cloud.store, clock: cloud.clock)
        self.pages = PageRenderer()
        self.logger = logger
    }

    /// Adds the console's routes to `router`.
    package func register(on router: Router<BasicRequestContext>) {
        registerSession(on: router)
        registerImages(on: router)
        registerInstances(on: router)
        registerStorage(on: router)
        registerAssets(on: router)
    }
}
