"""The Pulumi ComponentResources (pulumi-aws v7): `auth.Auth`, `storage.Storage`, `data.Data`, and `naming`
(logical resource names). They wire resources and call the pure planners; they decide nothing of access."""
