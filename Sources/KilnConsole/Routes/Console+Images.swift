import Foundation
import Hummingbird
import KilnCore
import Logging

/// The images pages and the actions on an image.
extension Console {
    func registerImages(on router: Router<BasicRequestContext>) {
        router.get("/console/images") { request, _ in
            await page(request) { session, query in try await imagesPage(session, query) }
        }
        router.get("/console/images/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request) { session, query in try await imagePage(session, id: id, inspectNow: query.isOn("inspect")) }
        }
        router.post("/console/images/:id/:action") { request, context in
            let id = context.parameters.get("id") ?? ""
            let name = context.parameters.get("action") ?? ""
            return await action(request, back: "/console/images/\(id)") { session, fields in
                try await imageAction(name, id: id, session: session, fields: fields)
            }
        }
    }

    /// Carries out one of an image's forms, in the region the form was shown in.
    func imageAction(_ name: String, id: String, session: ConsoleSession, fields: FormFields) async throws -> ActionOutcome {
        let region = RegionName(fields.text("region") ?? session.region.rawValue)
        let caller = session.caller(in: region)
        let page = Display.href("/console/images/\(id)", [("region", region.rawValue)])
        switch name {
        case "launch":
            var data = LaunchTemplateData()
            data.imageID = id
            data.instanceType = fields.text("instanceType") ?? "t3.micro"
            let reservation = try await cloud.instances.runInstances(caller, LaunchRequest(data: data, minCount: 1, maxCount: 1))
            let launched = reservation.instances.first?.id ?? ""
            return ActionOutcome(
                location: Display.href("/console/instances/\(launched)", [("region", region.rawValue)]),
                message: "Launched \(launched) from \(id)."
            )
        case "copy": return try await copyImage(id, from: region, session: session, fields: fields)
        case "permissions": return try await changePermissions(id, caller: caller, fields: fields, page: page)
        case "deprecate":
            var date: Date?
            if fields["op"] != "cancel" { date = try Self.deprecationDate(fields.text("at")) }
            try await cloud.images.deprecateImage(caller, imageID: id, at: date)
            return ActionOutcome(location: page, message: date == nil ? "Deprecation cancelled." : "Deprecation set.")
        case "state": return try await changeState(id, caller: caller, fields: fields, page: page)
        case "deregister":
            let deleteSnapshots = fields.isOn("deleteSnapshots")
            let results = try await cloud.images.deregisterImage(caller, id: id, deleteAssociatedSnapshots: deleteSnapshots)
            let deleted = results.filter { $0.code == "success" }.map(\.snapshotID)
            let kept = results.filter { $0.code != "success" }.map { "\($0.snapshotID) (\($0.code))" }
            var message = "Deregistered \(id)."
            if !deleted.isEmpty { message += " Deleted snapshots \(deleted.joined(separator: ", "))." }
            if !kept.isEmpty { message += " Kept \(kept.joined(separator: ", "))." }
            return ActionOutcome(location: Display.href("/console/images", [("scope", "own"), ("region", region.rawValue)]), message: message)
        default: throw CloudError.consoleUnknownAction(name)
        }
    }

    /// CopyImage, called in the destination region as the API is.
    private func copyImage(_ id: String, from region: RegionName, session: ConsoleSession, fields: FormFields) async throws -> ActionOutcome {
        let destination = RegionName(fields.text("destination") ?? region.rawValue)
        let request = ImageCopy(
            sourceRegion: region.rawValue,
            sourceImageID: id,
            name: fields.text("name") ?? "",
            description: fields.text("description"),
            encrypted: fields.isOn("encrypted") ? true : nil,
            kmsKeyID: fields.text("kmsKeyId")
        )
        let copy = try await cloud.images.copyImage(session.caller(in: destination), request)
        return ActionOutcome(
            location: Display.href("/console/images/\(copy)", [("region", destination.rawValue)]),
            message: "Copying \(id) to \(destination) as \(copy)."
        )
    }

    /// ModifyImageAttribute's launch permissions, with the hygiene check the API runs before a share.
    private func changePermissions(_ id: String, caller: Caller, fields: FormFields, page: String) async throws -> ActionOutcome {
        var grants: [Image.LaunchPermission] = []
        if let account = fields.text("account") {
            grants.append(try ImageService.launchPermission(userID: account, group: nil, organizationARN: nil, organizationalUnitARN: nil))
        }
        if let organization = fields.text("organization") {
            grants.append(try ImageService.launchPermission(userID: nil, group: nil, organizationARN: organization, organizationalUnitARN: nil))
        }
        if let unit = fields.text("unit") {
            grants.append(try ImageService.launchPermission(userID: nil, group: nil, organizationARN: nil, organizationalUnitARN: unit))
        }
        if fields.isOn("public") || fields.text("group") != nil {
            grants.append(
                try ImageService.launchPermission(userID: nil, group: fields.text("group") ?? "all", organizationARN: nil, organizationalUnitARN: nil)
            )
        }
        let removing = fields["op"] == "remove"
        if !removing, !grants.isEmpty {
            let findings = try await cloud.inspection.checkBeforeSharing(caller, imageID: id, mode: hygieneCheck)
            if !findings.isEmpty {
                logger.warning(
                    "sharing an image with high-severity findings",
                    metadata: [
                        "image_id": .string(id), "account": .string(caller.account.rawValue), "findings": .string(findings.joined(separator: ", ")),
                    ]
                )
            }
        }
        let change = ImageService.LaunchPermissionChange(add: removing ? [] : grants, remove: removing ? grants : [])
        try await cloud.images.modifyLaunchPermissions(caller, imageID: id, change: change)
        let names = grants.map { Self.permissionRow($0).value }.joined(separator: ", ")
        return ActionOutcome(location: page, message: removing ? "Removed the launch permission of \(names)." : "Shared with \(names).")
    }

    /// Disable, enable, and deregistration protection.
    private func changeState(_ id: String, caller: Caller, fields: FormFields, page: String) async throws -> ActionOutcome {
        switch fields["op"] ?? "" {
        case "disable":
            try await cloud.images.setImageDisabled(caller, imageID: id, disabled: true)
            return ActionOutcome(location: page, message: "Disabled \(id).")
        case "enable":
            try await cloud.images.setImageDisabled(caller, imageID: id, disabled: false)
            return ActionOutcome(location: page, message: "Enabled \(id).")
        case "protect", "unprotect":
            let enabled = fields["op"] == "protect"
            try await cloud.images.setDeregistrationProtection(caller, imageID: id, enabled: enabled, withCooldown: fields.isOn("cooldown"))
            return ActionOutcome(location: page, message: enabled ? "Deregistration protection is on." : "Deregistration protection is off.")
        case let other: throw CloudError.consoleUnknownAction(other)
        }
    }

    /// A `datetime-local` field's value, read as UTC.
    static func deprecationDate(_ text: String?) throws -> Date {
        guard let text else { throw CloudError.missingParameter("DeprecateAt") }
        let full = text.count == 16 ? text + ":00Z" : text.hasSuffix("Z") ? text : text + "Z"
        guard let date = try? Date(full, strategy: .iso8601) else {
            throw CloudError.invalidParameterValue("Value (\(text)) for parameter DeprecateAt is invalid.")
        }
        return date
    }
}
