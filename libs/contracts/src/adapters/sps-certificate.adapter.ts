import { FilingRejectCode, FilingRejectedException } from '../filing-rejection.exception';
import { textOf, type XmlDocument } from './xml';

/** ce_type of a UN/CEFACT SPS certificate (ePhyto) in binary mode. */
export const SPS_CERTIFICATE_TYPE = 'un.cefact.sps.certificate';
/** Local name of the root element of an SPS certificate, `rsm:SPSCertificate`. */
export const SPS_CERTIFICATE_ROOT = 'SPSCertificate';

/**
 * UN/CEFACT SPSCertificate (ePhyto) → `data` of sw.certificate.issued.v1. The certificate id is
 * SPSExchangedDocument/ID; the port's country decides the direction, and the partner is the
 * other of the consignment's export and import countries.
 */
export function spsCertificateData(document: XmlDocument, portCountry: string): Record<string, unknown> {
  if (document.root !== SPS_CERTIFICATE_ROOT) {
    throw new FilingRejectedException(
      FilingRejectCode.InvalidXml,
      `body: root element is ${document.root}, expected rsm:${SPS_CERTIFICATE_ROOT} (the ce_type ${SPS_CERTIFICATE_TYPE})`,
    );
  }
  const certificate = document.value as Record<string, Record<string, unknown> | undefined>;
  const certificateId = textOf(certificate.SPSExchangedDocument?.ID);
  if (!certificateId) missing('SPSExchangedDocument/ID');
  const consignment = certificate.SPSConsignment;
  const exportCountry = textOf(
    (consignment?.ExportSPSCountry as Record<string, unknown> | undefined)?.ID,
  )?.toUpperCase();
  const importCountry = textOf(
    (consignment?.ImportSPSCountry as Record<string, unknown> | undefined)?.ID,
  )?.toUpperCase();
  if (!exportCountry) missing('SPSConsignment/ExportSPSCountry/ID');
  if (!importCountry) missing('SPSConsignment/ImportSPSCountry/ID');
  let direction: 'import' | 'export';
  let partnerCountry: string;
  if (importCountry === portCountry && exportCountry !== portCountry) {
    direction = 'import';
    partnerCountry = exportCountry;
  } else if (exportCountry === portCountry && importCountry !== portCountry) {
    direction = 'export';
    partnerCountry = importCountry;
  } else {
    throw new FilingRejectedException(
      FilingRejectCode.ValidationFailed,
      `SPSConsignment: exactly one of ExportSPSCountry (${exportCountry}) and ImportSPSCountry (${importCountry}) must be the port's country ${portCountry}`,
    );
  }
  return { certificateId, kind: 'sps', direction, partnerCountry, electronic: true, verifiedOnline: false };
}

function missing(path: string): never {
  throw new FilingRejectedException(
    FilingRejectCode.ValidationFailed,
    `${path}: is required in an SPS certificate, as text`,
  );
}
