import Foundation

/// Deprecation, disabling and deregistration protection.
extension ImageService {
    /// How long deregistration stays refused after protection with cooldown is disabled.
    package static let deregistrationCooldown: TimeInterval = 24 * 3600
    /// The latest a public image may be deprecated, after its creation.
    package static let publicDeprecationLimit: TimeInterval = 2 * 365 * 86_400

    /// EnableImageDeprecation: the image leaves non-owners' listings at `date` (rounded to the
    /// nearest minute), which may not be in the past nor more than ten years ahead.
    package func deprecateImage(_ caller: Caller, imageID: String, at date: Date?) async throws {
        let now = clock.now
        if let date {
            guard date > now else { throw CloudError.invalidParameterValue("The deprecation time must be in the future.") }
            guard date.timeIntervalSince(now) <= 10 * 365.25 * 86_400 else {
                throw CloudError.invalidParameterValue("The deprecation time cannot be more than 10 years in the future.")
            }
        }
        let minute = date.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 / 60).rounded() * 60) }
        try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            if image.isPublic {
                guard let minute else {
                    throw CloudError.invalidParameterValue(
                        "Public images must have a deprecation time; make the image private before disabling its deprecation."
                    )
                }
                guard minute <= image.creationDate + Self.publicDeprecationLimit else {
                    throw CloudError.invalidParameterValue("A public image must be deprecated within 2 years of its creation.")
                }
            }
            image.deprecationTime = minute
            try transaction.saveImage(image)
        }
    }

    /// DisableImage / EnableImage. Disabling removes every launch permission; enabling does not
    /// restore them.
    package func setImageDisabled(_ caller: Caller, imageID: String, disabled: Bool) async throws {
        try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            if disabled {
                guard image.state == .available else {
                    throw CloudError.imageCannotBeDisabled(imageID, image.state.rawValue)
                }
                image.state = .disabled
                image.launchPermissions = []
            } else {
                guard image.state == .disabled else {
                    throw CloudError.imageNotDisabled(imageID, image.state.rawValue)
                }
                image.state = .available
            }
            try transaction.saveImage(image)
        }
    }

    /// Enable/DisableImageDeregistrationProtection; returns the protection as DescribeImages shows it.
    package func setDeregistrationProtection(_ caller: Caller, imageID: String, enabled: Bool, withCooldown: Bool) async throws
        -> (protection: DeregistrationProtection, at: Date)
    {
        let now = clock.now
        return try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            if enabled {
                image.deregistrationProtection = .enabled(withCooldown: withCooldown)
            } else if case .enabled(true) = image.deregistrationProtection {
                image.deregistrationProtection = .disabledUntil(now + Self.deregistrationCooldown)
            } else {
                image.deregistrationProtection = .disabled
            }
            try transaction.saveImage(image)
            return (image.deregistrationProtection, now)
        }
    }
}
