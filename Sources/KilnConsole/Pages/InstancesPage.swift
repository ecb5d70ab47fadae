import Foundation
import KilnCore

extension Console {
    func instancesPage(_ session: ConsoleSession) async throws -> Page {
        let caller = session.caller()
        let (reservations, _) = try await cloud.instances.describeInstances(caller, ids: nil, filters: [], page: .everything())
        let rows = reservations.flatMap { reservation in
            reservation.instances.map { Self.instanceRow($0, tags: reservation.tags[$0.id] ?? []) }
        }
        let changing = reservations.flatMap(\.instances).contains { [.pending, .stopping, .shuttingDown].contains($0.state) }
        let view = InstancesView(rows: rows, hasRows: !rows.isEmpty, changing: changing)
        return Page(title: "Instances", section: "instances", body: pages.render("instances", view, session: session))
    }

    func instancePage(_ session: ConsoleSession, id: String) async throws -> Page {
        let caller = session.caller()
        let instance = try await cloud.instances.instance(caller, id: id)
        let row = Self.instanceRow(instance, tags: [])
        let output = try? await cloud.instances.consoleOutput(caller, id: id)
        let view = InstanceView(
            id: instance.id,
            state: row.state,
            imageID: row.imageID,
            imageHref: row.imageHref,
            instanceType: row.instanceType,
            zone: row.zone,
            privateAddress: row.privateAddress,
            publicAddress: row.publicAddress,
            launched: row.launched,
            devices: instance.devices.enumerated().map {
                DeviceRow(index: $0.offset, deviceName: $0.element.deviceName, volumeID: $0.element.volumeID)
            },
            canStop: row.canStop,
            canStart: row.canStart,
            canTerminate: row.canTerminate,
            canCreateImage: instance.isEBSBacked && [.running, .stopped].contains(instance.state),
            live: Self.isLive(instance.state),
            output: output?.text ?? "",
            outputAt: Display.date(output?.at) ?? "—"
        )
        return Page(title: instance.id, section: "instances", body: pages.render("instance", view, session: session))
    }

    /// Whether the page keeps polling: the console output grows while an instance runs.
    static func isLive(_ state: Instance.State) -> Bool {
        [.pending, .running, .stopping, .shuttingDown].contains(state)
    }

    static func instanceRow(_ instance: Instance, tags: [Tag]) -> InstanceRow {
        let region = instance.region.rawValue
        return InstanceRow(
            id: instance.id,
            href: Display.href("/console/instances/\(instance.id)", [("region", region)]),
            name: tags.first { $0.key == "Name" }?.value ?? "",
            state: instance.state.rawValue,
            imageID: instance.imageID,
            imageHref: Display.href("/console/images/\(instance.imageID)", [("region", region)]),
            instanceType: instance.instanceType,
            zone: instance.availabilityZone,
            privateAddress: instance.state == .terminated ? "—" : instance.privateIPAddress,
            publicAddress: instance.network?.publicIPAddress ?? "—",
            launched: Display.date(instance.launchTime) ?? "",
            canStop: instance.state == .running || instance.state == .pending,
            canStart: instance.state == .stopped,
            canTerminate: instance.state != .terminated && instance.state != .shuttingDown
        )
    }
}
