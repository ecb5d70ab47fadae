import Foundation

/// SSM parameters: the account's own, and the public image parameters of `/aws/service/`.
package struct ParameterService: CloudService {
    package let context: CloudContext
}

/// SSM parameters: an account's own, and AWS's public ones (`/aws/service/…`) that name the
/// newest catalogue images.
extension ParameterService {

    /// A parameter as the caller reads it: its own, or a public one.
    package func parameter(_ caller: Caller, name: String) async throws -> Parameter? {
        if name.hasPrefix("/aws/service/") {
            guard let (value, published) = context.catalog.publicParameter(name, region: caller.region) else { return nil }
            return Parameter(
                id: name,
                owner: Catalog.amazon,
                region: caller.region,
                name: name,
                type: "String",
                value: value,
                dataType: "text",
                description: nil,
                version: 1,
                lastModified: published
            )
        }
        return try await read(caller) { transaction in
            try transaction.fetch(Parameter.self, id: Parameter.id(account: caller.account, region: caller.region, name: name))
        }
    }

    /// GetParametersByPath: the parameters under `path`, one level or every level down.
    package func parameters(_ caller: Caller, under path: String, recursive: Bool) async throws -> [Parameter] {
        guard path.hasPrefix("/") else {
            throw CloudError.parameterPathWithoutSlash
        }
        if path.hasPrefix("/aws/service") {
            var found: [Parameter] = []
            for name in context.catalog.publicParameters(under: path, recursive: recursive) {
                if let parameter = try await parameter(caller, name: name) { found.append(parameter) }
            }
            return found
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return try await read(caller) { transaction in
            try transaction.fetchAll(Parameter.self, region: caller.region, owner: caller.account).filter { parameter in
                parameter.name.hasPrefix(prefix) && (recursive || !parameter.name.dropFirst(prefix.count).contains("/"))
            }.sorted { $0.name < $1.name }
        }
    }

    /// PutParameter: a new parameter, or a new version with `overwrite`; returns the version.
    package func putParameter(
        _ caller: Caller,
        name: String,
        value: String,
        type: String?,
        dataType: String?,
        description: String?,
        overwrite: Bool
    ) async throws -> Int {
        let dataType = dataType ?? "text"
        try Self.validate(name: name, type: type, dataType: dataType)
        let now = clock.now
        return try await write(caller) { transaction in
            if dataType == "aws:ec2:image" {
                guard ResourcePrefix.image.matches(value), (try? context.images.visibleImage(value, caller: caller, in: transaction)) != nil else {
                    throw CloudError.parameterNotAnImage(value)
                }
            }
            let id = Parameter.id(account: caller.account, region: caller.region, name: name)
            if let existing = try transaction.fetch(Parameter.self, id: id) {
                guard overwrite else {
                    throw CloudError.parameterAlreadyExists
                }
                var updated = existing
                updated.value = value
                updated.type = type ?? existing.type
                updated.dataType = dataType
                updated.description = description ?? existing.description
                updated.version += 1
                updated.lastModified = now
                try transaction.save(updated)
                return updated.version
            }
            guard let type else { throw CloudError.parameterTypeRequired }
            try transaction.save(
                Parameter(
                    id: id,
                    owner: caller.account,
                    region: caller.region,
                    name: name,
                    type: type,
                    value: value,
                    dataType: dataType,
                    description: description,
                    version: 1,
                    lastModified: now
                )
            )
            return 1
        }
    }

    /// Checks PutParameter's name, type and data type as SSM does.
    static func validate(name: String, type: String?, dataType: String) throws {
        guard !name.isEmpty, name.count <= 2048, !name.hasPrefix("/aws/"), !name.lowercased().hasPrefix("aws"), !name.lowercased().hasPrefix("ssm")
        else {
            throw CloudError.invalidParameterName
        }
        guard name.split(separator: "/").count <= 15 else {
            throw CloudError.parameterHierarchyTooDeep
        }
        guard ["text", "aws:ec2:image", "aws:ssm:integration"].contains(dataType) else {
            throw CloudError.unsupportedParameterDataType(dataType)
        }
        if let type, !["String", "StringList", "SecureString"].contains(type) {
            throw CloudError.invalidParameterType(type)
        }
    }

    /// DeleteParameter.
    package func deleteParameter(_ caller: Caller, name: String) async throws {
        try await write(caller) { transaction in
            let id = Parameter.id(account: caller.account, region: caller.region, name: name)
            guard try transaction.fetch(Parameter.self, id: id) != nil else { throw CloudError.parameterNotFound(name) }
            try transaction.delete(Parameter.self, id: id)
        }
    }
}
