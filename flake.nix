# nixcc as a flake: the package, an overlay, and a function that builds a plan nixcc-plan wrote with
# --toolchain nixpkgs against this flake's nixpkgs and nixcc.
#
#   nix build .#nixcc                      (or .#default): nixcc and nixcc-plan
#   nixcc.lib.${system}.plan ./plan        the plan's result; also .batches, .targets, .timings
#
# A plan names its project's source and build directories by absolute path, so evaluating one needs
# --impure (nix build --impure --expr ...); the package itself evaluates purely.
{
  description = "nixcc: compile wrapper and planner that make Nix builds of C and C++ projects fast and measurable";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      # nixcc reads /proc and uses Linux's sandbox (nix/nixcc.nix: meta.platforms = linux).
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forEachSystem = f: nixpkgs.lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});
      nixccFor = pkgs: pkgs.callPackage ./nix/nixcc.nix { src = ./.; };
    in
    {
      packages = forEachSystem (system: pkgs: rec {
        nixcc = nixccFor pkgs;
        default = nixcc;
      });

      # pkgs.nixcc in any nixpkgs, built from this source tree.
      overlays.default = final: prev: { nixcc = nixccFor final; };

      # A plan folder (what `nixcc-plan BUILD -o PLAN --toolchain nixpkgs` wrote) evaluated with this
      # system's pkgs and this flake's nixcc, so every batch runs the nixcc the flake pins.
      lib = forEachSystem (system: pkgs: {
        plan = plan: import plan { inherit pkgs; nixccPackage = self.packages.${system}.nixcc; };
      });
    };
}
