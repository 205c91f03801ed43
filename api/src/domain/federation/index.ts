export { chainEventHandler, servesOrganization } from "./chain-events";
export { exportMemberPackage } from "./export-package";
export { FileFetcher } from "./file-fetcher";
export { MEMBER_FILE_FORMAT, memberFileSchema, type MemberFileDocument } from "./member-file";
export { fetchMemberFile, importMemberPackage, incomingTransfer, MEMBER_FILE_PATH } from "./receive-file";
export { reviewTransfer, type TransferReview } from "./review";
export { serveMemberFile } from "./serve-file";
export { federationOf } from "./sources";
export { EVENT_CURSOR, listChainEvents } from "./events-view";
