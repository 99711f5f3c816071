/** Containers on the host network listen on a free port picked the same way as every private test server. */
export { freePort } from "../../helpers/free-port.js";
