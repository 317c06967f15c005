# The stand-in nixpkgs (default.nix) as a flake, for --override-input nixpkgs path:<this folder>.
{
  outputs = { self }: {
    lib = (import ./. { }).lib;
    legacyPackages = (import ./. { }).lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (system: import ./. { inherit system; });
  };
}
