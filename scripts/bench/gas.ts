/**
 * Gas of the consortium contracts beside the published EAS contracts, deployed in the same Hardhat run.
 * Run: npm run bench:gas — prints the table and writes it to docs/benchmarks.md.
 */
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import easPackage from "@ethereum-attestation-service/eas-contracts/package.json";
import easArtifact from "@ethereum-attestation-service/eas-contracts/artifacts/contracts/EAS.sol/EAS.json";
import schemaRegistryArtifact from "@ethereum-attestation-service/eas-contracts/artifacts/contracts/SchemaRegistry.sol/SchemaRegistry.json";
import { dayOf, deployConsortium, memberAt, randomKey, Stage } from "../../test/helpers/fixture";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";

const BATCH_SIZE = 100;
const CHECKPOINTED_RECORDS = 1_000;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

async function deployEas() {
  const [deployer] = await ethers.getSigners();
  const schemaRegistryFactory = new ethers.ContractFactory(schemaRegistryArtifact.abi, schemaRegistryArtifact.bytecode, deployer);
  const schemaRegistry = await schemaRegistryFactory.deploy();
  const easFactory = new ethers.ContractFactory(easArtifact.abi, easArtifact.bytecode, deployer);
  const eas = await easFactory.deploy(await schemaRegistry.getAddress());
  const schema = "bytes32 recordHash";
  await ((await schemaRegistry.getFunction("register")(schema, ethers.ZeroAddress, true)) as ContractTransactionResponse).wait();
  const schemaUid = ethers.solidityPackedKeccak256(["string", "address", "bool"], [schema, ethers.ZeroAddress, true]);
  return { eas, schemaUid };
}

function easRequest(recipient: string) {
  return {
    recipient,
    expirationTime: 0n,
    revocable: true,
    refUID: ethers.ZeroHash,
    data: ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [randomKey()]),
    value: 0n,
  };
}

async function main() {
  const consortium = await deployConsortium();
  const { membership, checkpoints, ids, signers } = consortium;
  const { eas, schemaUid } = await deployEas();
  const recipient = signers.outsider.address;

  // Stage transitions, each on a fresh member so every storage slot is as cold as in production.
  const transitions: Record<string, bigint> = {};
  const applicant = await memberAt(consortium, Stage.Applicant);
  transitions.selectActivist = await gasOf(
    membership.connect(signers.branchClerkA).selectActivist(applicant.memberKey, applicant.head(), randomKey(), dayOf("2020-04-10")),
  );
  const activist = await memberAt(consortium, Stage.Activist);
  transitions.selectCandidate = await gasOf(
    membership.connect(signers.branchClerkA).selectCandidate(activist.memberKey, activist.head(), randomKey(), dayOf("2021-04-12")),
  );
  const candidate = await memberAt(consortium, Stage.Candidate);
  transitions.admit = await gasOf(
    membership
      .connect(signers.attesterA)
      .admit(candidate.memberKey, candidate.head(), randomKey(), dayOf("2021-09-01"), dayOf("2021-09-20")),
  );
  const probationary = await memberAt(consortium, Stage.Probationary);
  transitions.convert = await gasOf(
    membership.connect(signers.attesterA).convert(probationary.memberKey, probationary.head(), randomKey(), dayOf("2022-09-05")),
  );
  const worstTransition = Object.values(transitions).reduce((a, b) => (a > b ? a : b));
  const easAttest = await gasOf(
    eas.getFunction("attest")({ schema: schemaUid, data: easRequest(recipient) }) as Promise<ContractTransactionResponse>,
  );

  // One append for each of 100 members, in one transaction.
  const members: { memberKey: string; head: string }[] = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const memberKey = randomKey();
    const head = randomKey();
    await membership.connect(signers.branchClerkA).register(memberKey, ids.branchA, head, dayOf("2024-01-10"));
    members.push({ memberKey, head });
  }
  const batch = members.map(({ memberKey, head }) => ({
    memberKey,
    prevHead: head,
    recordHash: randomKey(),
    effectiveDay: dayOf("2024-01-11"),
  }));
  const batchGas = await gasOf(membership.connect(signers.branchClerkA).appendBatch(batch));
  const easMulti = await gasOf(
    eas.getFunction("multiAttest")([
      { schema: schemaUid, data: Array.from({ length: BATCH_SIZE }, () => easRequest(recipient)) },
    ]) as Promise<ContractTransactionResponse>,
  );

  // A checkpoint of 1,000 more records on a log that already has one (the steady state).
  await (await checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1_000, randomKey())).wait();
  const checkpointGas = await gasOf(
    checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1_000 + CHECKPOINTED_RECORDS, randomKey()),
  );

  const perAppend = batchGas / BigInt(BATCH_SIZE);
  const perEasRecord = easMulti / BigInt(BATCH_SIZE);
  const perCheckpointed = Number(checkpointGas) / CHECKPOINTED_RECORDS;
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  const rows = [
    `| one stage transition (worst of ${Object.keys(transitions).join(", ")}) | ${worstTransition} | ≤ 60,000 (${verdict(worstTransition <= 60_000n)}) | EAS \`attest\` of a bytes32: ${easAttest} |`,
    `| per member append, batch of ${BATCH_SIZE} | ${perAppend} | ≤ 15,000 (${verdict(perAppend <= 15_000n)}) | EAS \`multiAttest\` per record: ${perEasRecord} |`,
    `| per record, one checkpoint covering ${CHECKPOINTED_RECORDS.toLocaleString("en")} records | ${perCheckpointed.toFixed(1)} (${checkpointGas} in all) | ≤ 50 (${verdict(perCheckpointed <= 50)}) | — |`,
  ];
  const detail = Object.entries(transitions)
    .map(([name, gas]) => `\`${name}\` ${gas}`)
    .join(", ");
  const markdown = [
    "## Gas: cunzheng contracts vs EAS",
    "",
    `Command: \`npm run bench:gas\` (Hardhat Network, solc 0.8.29 optimizer 10,000 runs, evm paris; EAS ${easPackage.version} from its published artifacts).`,
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "| operation | gas | target | EAS |",
    "|---|---|---|---|",
    ...rows,
    "",
    `Stage transitions one by one: ${detail}. Gas includes the 21,000 of the transaction itself.`,
  ].join("\n");
  console.log(markdown);
  writeBenchmarkSection("gas", markdown);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
