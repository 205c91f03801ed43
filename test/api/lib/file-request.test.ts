import { expect } from "chai";
import { AbiCoder, concat, id, keccak256, TypedDataEncoder, Wallet } from "ethers";
import {
  fileRequestDomain,
  fileRequestSigner,
  FILE_REQUEST_TYPES,
  signedFileRequestSchema,
  signFileRequest,
  type FileRequest,
  type FileRequestChain,
} from "../../../api/src/lib/file-request";

describe("file-request", function () {
  const chain: FileRequestChain = { chainId: 31337, transferLedger: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
  const request: FileRequest = { transferId: `0x${"ab".repeat(32)}`, committeeId: 5, issuedAt: 1767225600, nonce: `0x${"cd".repeat(32)}` };

  describe("signing and recovery", function () {
    const wallet = Wallet.createRandom();

    it("should recover the address that signed", async function () {
      const signed = await signFileRequest(wallet, chain, request);
      expect(signed.request).to.deep.equal(request);
      expect(signedFileRequestSchema.parse(signed)).to.deep.equal(signed);
      expect(fileRequestSigner(chain, signed)?.address).to.equal(wallet.address);
    });

    for (const [field, changed] of [
      ["transferId", { transferId: `0x${"ac".repeat(32)}` }],
      ["committeeId", { committeeId: 6 }],
      ["issuedAt", { issuedAt: request.issuedAt + 1 }],
      ["nonce", { nonce: `0x${"ce".repeat(32)}` }],
    ] as const) {
      it(`should not recover the signer when the ${field} was changed`, async function () {
        const signed = await signFileRequest(wallet, chain, request);
        const recovered = fileRequestSigner(chain, { ...signed, request: { ...request, ...changed } });
        expect(recovered?.address).to.not.equal(wallet.address);
      });
    }

    it("should not recover the signer on another chain or another TransferLedger", async function () {
      const signed = await signFileRequest(wallet, chain, request);
      expect(fileRequestSigner({ ...chain, chainId: 1337 }, signed)?.address).to.not.equal(wallet.address);
      expect(fileRequestSigner({ ...chain, transferLedger: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }, signed)?.address).to.not.equal(
        wallet.address,
      );
    });

    it("should accept the TransferLedger address in any spelling", async function () {
      const signed = await signFileRequest(wallet, chain, request);
      expect(fileRequestSigner({ ...chain, transferLedger: chain.transferLedger.toLowerCase() }, signed)?.address).to.equal(wallet.address);
    });

    it("should give null for a signature of the right length that recovers no key", function () {
      expect(fileRequestSigner(chain, { request, signature: `0x${"00".repeat(65)}` })).to.equal(null);
      expect(fileRequestSigner(chain, { request, signature: `0x${"ff".repeat(65)}` })).to.equal(null);
    });

    it("should refuse to sign a request the source would refuse", async function () {
      await expect(signFileRequest(wallet, chain, { ...request, committeeId: 0 })).to.be.rejected;
      await expect(signFileRequest(wallet, chain, { ...request, transferId: request.transferId.toUpperCase() })).to.be.rejected;
    });
  });

  describe("schema", function () {
    const signature = `0x${"11".repeat(65)}`;

    function issues(value: unknown): { path: PropertyKey[]; message: string }[] {
      const parsed = signedFileRequestSchema.safeParse(value);
      expect(parsed.success).to.equal(false);
      return parsed.error!.issues.map(({ path, message }) => ({ path, message }));
    }

    it("should refuse a transfer id that is not 32 bytes of lowercase hex, naming the field", function () {
      for (const transferId of [`0x${"ab".repeat(31)}`, `0x${"AB".repeat(32)}`, "ab".repeat(32)]) {
        expect(issues({ request: { ...request, transferId }, signature })).to.deep.equal([
          { path: ["request", "transferId"], message: "must be 0x followed by 64 lowercase hex digits" },
        ]);
      }
    });

    it("should refuse a signature that is not 65 bytes, naming the field", function () {
      for (const bad of [`0x${"11".repeat(64)}`, `0x${"11".repeat(66)}`, "11".repeat(65)]) {
        expect(issues({ request, signature: bad })).to.deep.equal([
          { path: ["signature"], message: "must be a 65-byte signature (0x + 130 hex)" },
        ]);
      }
    });

    it("should refuse committee 0, a committee id beyond uint32, a negative or fractional time, and extra fields", function () {
      expect(issues({ request: { ...request, committeeId: 0 }, signature })[0].path).to.deep.equal(["request", "committeeId"]);
      expect(issues({ request: { ...request, committeeId: 2 ** 32 }, signature })[0].path).to.deep.equal(["request", "committeeId"]);
      expect(issues({ request: { ...request, issuedAt: -1 }, signature })[0].path).to.deep.equal(["request", "issuedAt"]);
      expect(issues({ request: { ...request, issuedAt: 1.5 }, signature })[0].path).to.deep.equal(["request", "issuedAt"]);
      expect(issues({ request: { ...request, memberKey: request.transferId }, signature })[0].path).to.deep.equal(["request"]);
    });
  });

  describe("test vector", function () {
    // Hardhat's second default account: anyone can re-derive it.
    const wallet = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    // The EIP-712 digest an outsider can recompute from docs/formats.md (chain 31337, the TransferLedger above, the
    // request above); any change to the domain or the type breaks it.
    const DIGEST = "0x731cf95f9517e7d507d5bf0875aacf395a7642b9eb42602042aad9ff5b4566dc";

    it("should hash to the fixed EIP-712 digest", function () {
      expect(TypedDataEncoder.hash(fileRequestDomain(chain), FILE_REQUEST_TYPES, request)).to.equal(DIGEST);
    });

    it("should be the digest EIP-712 defines, computed from keccak256 and ABI encoding alone", function () {
      const abi = AbiCoder.defaultAbiCoder();
      const domainSeparator = keccak256(
        abi.encode(
          ["bytes32", "bytes32", "bytes32", "uint256", "address"],
          [
            id("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
            id("cunzheng"),
            id("1"),
            chain.chainId,
            chain.transferLedger,
          ],
        ),
      );
      const structHash = keccak256(
        abi.encode(
          ["bytes32", "bytes32", "uint32", "uint64", "bytes32"],
          [
            id("MemberFileRequest(bytes32 transferId,uint32 committeeId,uint64 issuedAt,bytes32 nonce)"),
            request.transferId,
            request.committeeId,
            request.issuedAt,
            request.nonce,
          ],
        ),
      );
      expect(keccak256(concat(["0x1901", domainSeparator, structHash]))).to.equal(DIGEST);
    });

    it("should be signed by the fixed key's address", async function () {
      const signed = await signFileRequest(wallet, chain, request);
      expect(wallet.address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect(fileRequestSigner(chain, signed)?.address).to.equal(wallet.address);
    });
  });
});
