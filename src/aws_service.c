/*
 * The AWS services driftwatch calls, one descriptor each, from the
 * services' botocore models (metadata: serviceId, signingName,
 * endpointPrefix, protocol, apiVersion, targetPrefix) and endpoint data
 * (which are global in which partition, and signed for which region).
 * tests/unit/test_endpoints_botocore.py compares every one with
 * botocore's own resolver.  A new service is one entry here and in
 * aws_services[].
 */
#include <string.h>
#include <strings.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_proto.h"

#define REGIONAL	{ NULL, NULL }

const struct aws_service aws_service_account = {
	"Account", "account", "account", &aws_proto_restjson, "2021-02-01",
	NULL, {
		{ "account.us-east-1.amazonaws.com", "us-east-1" },
		{ "account.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1" },
		REGIONAL,
	}
};

const struct aws_service aws_service_cloudtrail = {
	"CloudTrail", "cloudtrail", "cloudtrail", &aws_proto_json11,
	"2013-11-01", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
	{ REGIONAL, REGIONAL, REGIONAL }
};

const struct aws_service aws_service_config = {
	"Config Service", "config", "config", &aws_proto_json11, "2014-11-12",
	"StarlingDoveService", { REGIONAL, REGIONAL, REGIONAL }
};

const struct aws_service aws_service_iam = {
	"IAM", "iam", "iam", &aws_proto_query, "2010-05-08", NULL, {
		{ "iam.amazonaws.com", "us-east-1" },
		{ "iam.cn-north-1.amazonaws.com.cn", "cn-north-1" },
		{ "iam.us-gov.amazonaws.com", "us-gov-west-1" },
	}
};

const struct aws_service aws_service_organizations = {
	"Organizations", "organizations", "organizations", &aws_proto_json11,
	"2016-11-28", "AWSOrganizationsV20161128", {
		{ "organizations.us-east-1.amazonaws.com", "us-east-1" },
		{ "organizations.cn-northwest-1.amazonaws.com.cn",
		    "cn-northwest-1" },
		{ "organizations.us-gov-west-1.amazonaws.com",
		    "us-gov-west-1" },
	}
};

const struct aws_service aws_service_sns = {
	"SNS", "sns", "sns", &aws_proto_query, "2010-03-31", NULL,
	{ REGIONAL, REGIONAL, REGIONAL }
};

const struct aws_service aws_service_sts = {
	"STS", "sts", "sts", &aws_proto_query, "2011-06-15", NULL,
	{ REGIONAL, REGIONAL, REGIONAL }
};

/* Tax Settings: "https://tax.{implicitGlobalRegion}.{dnsSuffix}" in its
 * endpoint rule set, signed for that region. */
const struct aws_service aws_service_tax = {
	"TaxSettings", "tax", "tax", &aws_proto_restjson, "2018-05-10", NULL, {
		{ "tax.us-east-1.amazonaws.com", "us-east-1" },
		{ "tax.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1" },
		{ "tax.us-gov-west-1.amazonaws.com", "us-gov-west-1" },
	}
};

const struct aws_service *const aws_services[] = {
	&aws_service_account,
	&aws_service_cloudtrail,
	&aws_service_config,
	&aws_service_iam,
	&aws_service_organizations,
	&aws_service_sns,
	&aws_service_sts,
	&aws_service_tax,
	NULL,
};

const struct aws_service *
aws_service_find(const char *id)
{
	size_t	i;

	for (i = 0; aws_services[i] != NULL; i++)
		if (strcasecmp(aws_services[i]->id, id) == 0 ||
		    strcmp(aws_services[i]->signing_name, id) == 0)
			return aws_services[i];
	return NULL;
}
