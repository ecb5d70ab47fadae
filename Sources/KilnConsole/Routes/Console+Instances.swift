import Foundation
import HTTPTypes
import Hummingbird
import KilnCore
import NIOCore

/// The instances pages, their live console output, and the actions on an instance.
extension Console {
    func registerInstances(on router: Router<BasicRequestContext>) {
        router.get("/console/instances") { request, _ in
            await page(request) { session, _ in try await instancesPage(session) }
        }
        router.get("/console/instances/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request) { session, _ in try await instancePage(session, id: id) }
        }
        router.get("/console/instances/:id/status") { request, context in
            await instanceStatus(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/console/instances/:id/:action") { request, context in
            let id = context.parameters.get("id") ?? ""
            let name = context.parameters.get("action") ?? ""
            return await action(request, back: "/console/instances/\(id)") { session, fields in
                try await instanceAction(name, id: id, session: session, fields: fields)
            }
        }
    }

    /// `{"state": …, "output": …, "at": …, "live": …}` for the page's script.
    private func instanceStatus(_ request: Request, id: String) async -> Response {
        guard let session = await session(of: request) else { return Response(status: .unauthorized) }
        let region = FormFields(request.uri.query ?? "").text("region").map { RegionName($0) }
        let caller = session.caller(in: region)
        do {
            let instance = try await cloud.instances.instance(caller, id: id)
            let output = try? await cloud.instances.consoleOutput(caller, id: id)
            let status = InstanceStatus(
                state: instance.state.rawValue,
                output: output?.text ?? "",
                at: Display.date(output?.at) ?? "—",
                live: Self.isLive(instance.state)
            )
            let body = try JSONEncoder().encode(status)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        } catch {
            let problem = problem(error, path: request.uri.path)
            let body = (try? JSONEncoder().encode(["Code": problem.code, "Message": problem.message])) ?? Data()
            return Response(status: problem.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// Stop, start, terminate, and create an image.
    func instanceAction(_ name: String, id: String, session: ConsoleSession, fields: FormFields) async throws -> ActionOutcome {
        let region = RegionName(fields.text("region") ?? session.region.rawValue)
        let caller = session.caller(in: region)
        let page = fields["back"] == "list" ? "/console/instances" : Display.href("/console/instances/\(id)", [("region", region.rawValue)])
        switch (name, fields["op"] ?? "") {
        case ("state", "stop"):
            _ = try await cloud.instances.stopInstances(caller, ids: [id])
            return ActionOutcome(location: page, message: "Stopping \(id).")
        case ("state", "start"):
            _ = try await cloud.instances.startInstances(caller, ids: [id])
            return ActionOutcome(location: page, message: "Starting \(id).")
        case ("state", "terminate"):
            _ = try await cloud.instances.terminateInstances(caller, ids: [id])
            return ActionOutcome(location: page, message: "Terminating \(id).")
        case ("create-image", _):
            let imageID = try await cloud.images.createImage(caller, Self.imageCreation(id, fields))
            return ActionOutcome(
                location: Display.href("/console/images/\(imageID)", [("region", region.rawValue)]),
                message: "Creating \(imageID) from \(id)."
            )
        default: throw CloudError.consoleUnknownAction(name)
        }
    }

    /// CreateImage's request from the form: each device resized or left out, and an added empty volume.
    static func imageCreation(_ instanceID: String, _ fields: FormFields) -> ImageCreation {
        var mappings: [ImageRegistration.Mapping] = []
        for device in fields.all("device") {
            if fields.isOn("exclude-\(device)") {
                mappings.append(ImageRegistration.Mapping(deviceName: device, noDevice: true))
            } else if let size = fields.integer("size-\(device)") {
                mappings.append(ImageRegistration.Mapping(deviceName: device, volumeSize: size))
            }
        }
        if let device = fields.text("extraDevice") {
            mappings.append(ImageRegistration.Mapping(deviceName: device, volumeSize: fields.integer("extraSize") ?? 1, volumeType: "gp3"))
        }
        return ImageCreation(
            instanceID: instanceID,
            name: fields.text("name") ?? "",
            description: fields.text("description"),
            noReboot: fields.isOn("noReboot"),
            mappings: mappings
        )
    }
}
