"""Generated protobuf modules. Do not edit: regenerate from ../proto (see README, "Protobuf")."""
