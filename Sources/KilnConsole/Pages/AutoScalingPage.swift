import Foundation
import KilnCore

extension Console {
    /// How many activities a group shows, newest first.
    static let activitiesShown = 10

    func autoScalingPage(_ session: ConsoleSession) async throws -> Page {
        let caller = session.caller()
        let groups = try await cloud.autoScaling.describeAutoScalingGroups(caller, names: nil, filters: [])
        let views = groups.enumerated().map { index, group in
            GroupView(
                index: index,
                name: group.name,
                desired: group.desiredCapacity,
                minSize: group.minSize,
                maxSize: group.maxSize,
                zones: group.availabilityZones.joined(separator: ", "),
                source: Self.sourceText(group.source),
                refreshes: group.refreshes.prefix(3).map {
                    RefreshView(id: $0.id, status: $0.status.rawValue, percent: $0.percentageComplete, toUpdate: $0.instancesToUpdate)
                },
                members: group.members.map { member in
                    MemberRow(
                        id: member.instanceID,
                        href: Display.href("/console/instances/\(member.instanceID)", [("region", caller.region.rawValue)]),
                        lifecycle: member.lifecycleState.rawValue,
                        health: member.healthStatus.rawValue,
                        imageID: member.imageID,
                        instanceType: member.instanceType,
                        zone: member.availabilityZone
                    )
                },
                hasMembers: !group.members.isEmpty,
                activities: group.activities.sorted { $0.startTime > $1.startTime }.prefix(Self.activitiesShown).map {
                    ActivityRow(started: Display.date($0.startTime) ?? "", status: $0.statusCode.rawValue, what: $0.description, why: $0.cause)
                },
                hasActivities: !group.activities.isEmpty
            )
        }
        let view = AutoScalingView(groups: views, hasGroups: !views.isEmpty)
        return Page(title: "Auto Scaling groups", section: "autoscaling", body: pages.render("autoscaling", view, session: session))
    }

    static func sourceText(_ source: AutoScalingGroup.LaunchSource) -> String {
        switch source {
        case .template(let template): "launch template \(template.id ?? template.name ?? "") version \(template.version ?? "$Default")"
        case .configuration(let name): "launch configuration \(name)"
        }
    }
}
